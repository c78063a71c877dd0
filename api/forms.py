"""Task forms now live in the engine (`api/engine/forms.py`): `Runtime.complete_task` checks them itself.

Kept so callers written against the old path still import; new code imports `api.engine.forms`.
"""

from api.engine.forms import form_errors, form_of, load_form, pesan

__all__ = ["form_errors", "form_of", "load_form", "pesan"]
