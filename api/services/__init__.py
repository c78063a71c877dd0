"""Services: the queries and transactions behind the routes (and the pages). Routes parse, check permission, call
one of these and answer; a service owns its `with db.transaction()`."""
