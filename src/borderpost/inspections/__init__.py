"""Inspections: the secondary line's look at a referred vehicle crossing.

``model`` (inspections, findings, seizures, evidence files), ``schemas``, ``services`` (one
function per use case: open, record a finding or a seizure, add evidence, dispose of a
seizure, close with the vehicle's decision), ``api`` (JSON under the crossing) and ``web``
(the inspection page, ``templates/inspections/``). It reads the declared cargo through
``borderpost.cargo``; cargo knows nothing of it.
"""
