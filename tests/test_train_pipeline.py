"""End to end: synthetic GOT-10k-layout videos -> Got10k -> FCOTSampler + AnchorFreeProcessing -> LTRLoader."""
import torch

from ltr.data import transforms as tfm
from ltr.data.loader import LTRLoader
from ltr.data.processing import AnchorFreeProcessing
from ltr.data.sampler import FCOTSampler
from ltr.dataset import Got10k
from ltr.dataset.synthetic import generate_synthetic_dataset


def test_synthetic_videos_through_the_whole_pipeline(tmp_path):
    folder = generate_synthetic_dataset(str(tmp_path / 'syn'), num_sequences=3, num_frames=24, size=(96, 72),
                                        seed=0)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    processing = AnchorFreeProcessing(search_area_factor=5.0, output_sz=144,
                                      center_jitter_factor={'train': 3, 'test': 4.5},
                                      scale_jitter_factor={'train': 0.25, 'test': 0.5}, mode='sequence',
                                      transform=tfm.Transform(tfm.ToTensorAndJitter(0.2), tfm.Normalize(mean, std)),
                                      joint_transform=tfm.Transform(tfm.ToGrayscale(0.05)))
    sampler = FCOTSampler([Got10k(folder)], [1], samples_per_epoch=4, processing=processing, seed=0)
    loader = LTRLoader('train', sampler, training=True, batch_size=2, shuffle=True, num_workers=0, stack_dim=1,
                       drop_last=True)
    batches = list(loader)
    assert len(batches) == 2
    b = batches[0]
    assert b['train_images'].shape == (3, 2, 3, 144, 144) and b['test_images'].shape == (3, 2, 3, 144, 144)
    assert b['train_anno'].shape == (3, 2, 4) and b['test_anno'].shape == (3, 2, 4)
    assert b['test_label'].shape == (3, 2, 10, 10) and b['test_label_72'].shape == (3, 2, 37, 37)
    assert b['w2h2_72'].shape == (3, 2, 4) and b['ind_72'].shape == (3, 2)
    assert b['dataset'] == ['got10k', 'got10k']
    assert torch.isfinite(b['train_images']).all() and (b['w2h2_72'] >= 0).all()
    # Seeded: the same sampler gives the same items again.
    a1, a2 = sampler[1], sampler[1]
    assert torch.equal(a1['test_images'], a2['test_images']) and torch.equal(a1['ind_72'], a2['ind_72'])
