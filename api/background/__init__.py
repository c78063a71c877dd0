"""Background work beside the HTTP service: the worker (child completions, timers) and the renderer."""
