"""Parameters of the dummy tracker: a new object on every call."""


class DummyParams:
    pass


def parameters():
    params = DummyParams()
    params.debug = 0
    params.visualization = False
    params.object_presence_score_threshold = 0.5
    return params
