"""course_tools: the course's own tools, kept out of the learners' ``helpers`` package.

- ``course_tools.doctor``: the preflight attendees run before a workshop (``make doctor``).
- ``course_tools.student``: student copies of the notebooks, solutions removed (``make student``).

Notebooks never import this package; ``helpers`` holds only what the notebooks teach with.
"""
