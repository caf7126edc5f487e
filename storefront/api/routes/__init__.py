"""The API's routes, one module per family: entities (customers, orders, products), analytics
(the business questions), health."""
