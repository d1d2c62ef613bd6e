"""A scripted dummy tracker and its parameters, used by tests/test_eval_running.py.

They live outside ``pytracking/tracker`` and are found through the fully
qualified module names that ``pytracking.evaluation.Tracker`` accepts:
``Tracker('eval_dummy.dummytracker', 'eval_dummy.dummyparams')`` (results go to
``<results_path>/dummytracker/dummyparams``). ``tests/`` must be on sys.path
(pytest puts it there; subprocesses get it through PYTHONPATH).
"""
