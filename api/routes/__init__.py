"""The REST API, one module per resource (master data a package of them). Routes parse, check permission
(api/permissions.py), call a service (api/services/) and answer; they never import each other."""
