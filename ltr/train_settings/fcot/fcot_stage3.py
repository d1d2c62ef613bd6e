"""FCOT 3-stage recipe, stage 3 (see :data:`ltr.train_settings.fcot.recipe.STAGE3`)."""
from ltr.train_settings.fcot import recipe


def run(settings):
    settings.description = 'FCOT 3-stage recipe, stage 3'
    recipe.run_stage(settings, recipe.STAGE3)
