"""Qt item models over our data (lazy JSON trees, issue lists)."""
