"""FCOT inside the VOT challenge toolkit (``vot-toolkit``), which talks to trackers over the TraX protocol.

* :mod:`pytracking.vot.trax_server`: ``python -m pytracking.vot.trax_server fcot PARAM`` is the tracker process;
* :mod:`pytracking.vot.trackers_ini`: prints the ``trackers.ini`` section that registers it in a workspace.
"""
