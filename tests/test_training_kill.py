"""Training really interrupted: a child process is killed with SIGKILL in the middle of an epoch, and another in the
middle of writing a checkpoint; resuming gives the same weights, optimizer state and schedule as an uninterrupted
run."""
import multiprocessing
import os
import signal

import torch

from ltr.dataset.synthetic import ensure_synthetic_dataset
from test_training import ckpt_dir, make_trainer


def _child(workspace, synthetic, local_file, mode):
    os.environ['LTR_LOCAL_FILE'] = local_file
    torch.set_num_threads(1)
    trainer = make_trainer(workspace, synthetic, total_epochs=3, samples_per_epoch=4)
    if mode == 'mid_epoch':
        def hook(tr, loader, i, data, loss, stats):
            if tr.epoch == 2 and i == 1:              # epoch 1 is saved, epoch 2 half done
                os.kill(os.getpid(), signal.SIGKILL)
        trainer.step_hooks.append(hook)
    else:
        real_save = torch.save

        def dying_save(obj, path, *args, **kwargs):
            if str(path).endswith('_ep0002.pth.tar.tmp'):
                with open(path, 'wb') as f:            # half a file, then the process dies
                    f.write(b'PK\x03\x04partial')
                os.kill(os.getpid(), signal.SIGKILL)
            return real_save(obj, path, *args, **kwargs)
        torch.save = dying_save
    trainer.train(3)


def _states(trainer):
    return trainer.net.state_dict(), trainer.optimizer.state_dict()['state'], trainer.lr_scheduler.state_dict()


def test_sigkill_mid_epoch_and_mid_checkpoint_then_resume_equals_uninterrupted(tmp_path):
    data = ensure_synthetic_dataset(tmp_path / 'syn', num_sequences=3, num_frames=24, size=(96, 72), seed=1)
    local_file = os.environ['LTR_LOCAL_FILE']
    torch.set_num_threads(1)
    straight = make_trainer(tmp_path / 'straight', data, total_epochs=3, samples_per_epoch=4)
    straight.train(3)
    ref = _states(straight)
    ctx = multiprocessing.get_context('spawn')
    for mode in ('mid_epoch', 'mid_checkpoint'):
        ws = tmp_path / mode
        proc = ctx.Process(target=_child, args=(str(ws), str(data), local_file, mode))
        proc.start()
        proc.join(600)
        assert proc.exitcode == -signal.SIGKILL, (mode, proc.exitcode)
        files = sorted(os.listdir(ckpt_dir(ws)))
        if mode == 'mid_epoch':
            assert files == ['FCOTNet_ep0001.pth.tar']
        else:
            assert files == ['FCOTNet_ep0001.pth.tar', 'FCOTNet_ep0002.pth.tar.tmp']   # never a half final file
        resumed = make_trainer(ws, data, total_epochs=3, samples_per_epoch=4)
        resumed.train(3)
        assert resumed.epoch == 3
        got = _states(resumed)
        for k in ref[0]:
            torch.testing.assert_close(got[0][k], ref[0][k], rtol=0, atol=0, msg=k)
        for k in ref[1]:
            torch.testing.assert_close(got[1][k]['exp_avg'], ref[1][k]['exp_avg'], rtol=0, atol=0)
        assert got[2] == ref[2]
