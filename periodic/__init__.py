"""periodic: the periodic sweeps have one sender, however many beat processes run (a lease in the database)."""
