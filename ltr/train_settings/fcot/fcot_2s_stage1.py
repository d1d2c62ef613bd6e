"""FCOT 2-stage recipe, stage 1 (see :data:`ltr.train_settings.fcot.recipe.STAGE_2S_1`)."""
from ltr.train_settings.fcot import recipe


def run(settings):
    settings.description = 'FCOT 2-stage recipe, stage 1'
    recipe.run_stage(settings, recipe.STAGE_2S_1)
