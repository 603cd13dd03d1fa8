"""course_tools: the course's own tools, kept out of the learners' ``helpers`` package.

- ``course_tools.doctor``: the preflight attendees run before a workshop (``make doctor``).
- ``course_tools.student``: student copies of the notebooks, solutions removed (``make student``).
- ``course_tools.warm``: compiles the first models attendees meet (the preflight's last check).
- ``course_tools.workshop``: the workshop's live paths (``make rehearse``).

Notebooks never import this package; ``helpers`` holds only what the notebooks teach with.
"""
