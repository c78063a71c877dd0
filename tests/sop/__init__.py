"""The SOP's rules through the HTTP API, one module per stage: every branch and every refusal, on the demo data.

Each test walks a partial period only as far as the behaviour it proves (helpers in tests/support/sop_branches.py).
A refusal is always checked the same way (`b.refused`): HTTP 422 naming the field with a reason a user
understands, and nothing changed: the task is still in the inbox, the history, documents, certificates
and every inbox are as before, and the next task did not appear.
"""
