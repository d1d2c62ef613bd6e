"""ltr: training framework of the FCOT tracker (pytracking layout).

Re-exports :func:`model_constructor` (networks do ``from ltr import model_constructor``). Importing ``ltr``
stays lightweight: no torch import happens here.
"""

from ltr.admin.model_constructor import model_constructor

__all__ = ['model_constructor']
