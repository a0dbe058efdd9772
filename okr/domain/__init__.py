"""Pure scoring core of the OKR / appraisal app: stdlib only, exact Decimals, steps as data.

Modules: ``numbers`` (parsing, context, display rounding), ``steps`` (derivation data),
``errors``, ``explain`` (code -> English template table), ``krspec`` and ``tiers``
(key-result specifications), ``attainment``, ``weights``, ``rollup``, ``template`` (review
templates, grade bands), ``ratings`` (criteria and peer scores), ``composite``,
``calibration`` (quotas, ranking, consecutive lows), ``periods`` (cycles and weeks).
"""
