"""The ``trace_features`` speed option: a frozen TorchScript trace of FCOTNet's tracking features per input signature
(pytracking/features/traced_features.py) computes what the eager network computes, only for the signature it was
prepared on, and the tracker uses it for every search crop."""
import numpy as np
import pytest
import torch

from ltr.models.tracking.fcotnet import fcotnet
from pytracking.features.traced_features import TracedTrackingFeatures

TINY = dict(backbone='mobilenetv3_large_075', backbone_pretrained=False, decoder_dim=64, clf72_inner_dim=32,
            reg_inner_dim=32, reg_filter_channel=32, out_feature_dim=128, head_norm_groups=8, deformable_heads=False,
            optim_iter=3)


def _net():
    torch.manual_seed(0)
    return fcotnet(**TINY).eval()


def test_trace_matches_eager_on_its_signature_and_other_inputs_run_eager():
    net = _net()
    traced = TracedTrackingFeatures(net)
    example = torch.randn(1, 3, 96, 96)
    traced.prepare(example)
    assert len(traced.graphs) == 1
    im = torch.randn(1, 3, 96, 96)          # same signature, other values: the graph is not specialised to values
    with torch.no_grad():
        eager = net.extract_tracking_features(im)
    out = traced(im)
    assert traced.traced_calls == 1
    assert set(out) == set(eager) == {'clf_18', 'clf_72', 'reg_72', 'feat_36', 'feat_72'}
    for k in eager:
        assert out[k].shape == eager[k].shape
        torch.testing.assert_close(out[k], eager[k], rtol=1e-4, atol=1e-5)
    # A batch of 3 (the first frame's augmentations are another such signature) and another crop size run eager.
    for other in (torch.randn(3, 3, 96, 96), torch.randn(1, 3, 112, 112)):
        with torch.no_grad():
            eager = net.extract_tracking_features(other)
        out = traced(other)
        for k in eager:
            torch.testing.assert_close(out[k], eager[k], rtol=0, atol=0)
    assert traced.traced_calls == 1
    # The signature includes the memory format: an NHWC input of the traced shape is not answered by the NCHW graph.
    assert traced.signature(example.contiguous(memory_format=torch.channels_last)) != traced.signature(example)


def test_a_network_in_training_mode_is_rejected():
    with pytest.raises(ValueError, match='eval mode'):
        TracedTrackingFeatures(fcotnet(**TINY).train())


def test_tracker_with_traced_features_gives_the_eager_boxes_and_traces_every_search_crop():
    from pytracking import make_tracker
    from tests.test_fcot_tiny import easy_sequence
    net = _net()
    frames, boxes = easy_sequence(8)
    runs = {}
    for trace in (False, True):
        tracker = make_tracker('fcot', 'demo', net=net, use_gpu=False, trace_features=trace,
                               channels_last=True, channels_last_backbone=False)
        tracker.initialize(frames[0], {'init_bbox': boxes[0].tolist()})
        runs[trace] = np.array([tracker.track(im)['target_bbox'] for im in frames[1:]])
        if trace:
            assert tracker.traced_features.traced_calls == len(frames) - 1
        else:
            assert tracker.traced_features is None
    np.testing.assert_allclose(runs[True], runs[False], atol=1e-3)
