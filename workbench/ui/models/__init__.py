"""Qt item models over our data: lazy JSON trees, the history window, the collections tree,
live traffic and the local data tables."""
