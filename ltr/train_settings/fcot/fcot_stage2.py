"""FCOT 3-stage recipe, stage 2 (see :data:`ltr.train_settings.fcot.recipe.STAGE2`)."""
from ltr.train_settings.fcot import recipe


def run(settings):
    settings.description = 'FCOT 3-stage recipe, stage 2'
    recipe.run_stage(settings, recipe.STAGE2)
