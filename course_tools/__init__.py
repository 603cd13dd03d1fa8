"""Tools around the course (preflight, warm-up), kept apart from the notebooks' `helpers`."""
