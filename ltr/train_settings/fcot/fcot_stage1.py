"""FCOT 3-stage recipe, stage 1 (see :data:`ltr.train_settings.fcot.recipe.STAGE1`)."""
from ltr.train_settings.fcot import recipe


def run(settings):
    settings.description = 'FCOT 3-stage recipe, stage 1'
    recipe.run_stage(settings, recipe.STAGE1)
