"""Change requests (ændringsanmodninger): what the steering group decides, and approval
applying every proposed change to the programme in one transaction."""
