# Raceway puts this directory first on PYTHONPATH when it traces a script, so that every Python
# process of the run (the script, and children started by multiprocessing or subprocess) loads the
# tracer before running any code of its own. It then hands over to the interpreter's own
# sitecustomize, which this file shadows.
import os
import sys


def _raceway_start():
    try:
        import time

        began = time.perf_counter_ns()
        import raceway_tracer

        raceway_tracer.install_from_environment(began)
    except Exception as error:  # the script runs untraced rather than not at all
        sys.stderr.write("raceway: tracer not loaded: %s\n" % (error,))


def _raceway_chain():
    here = os.path.dirname(os.path.abspath(__file__))
    import importlib.machinery

    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    # importlib.util would cost every process of the run 5 ms to import; its module_from_spec is this.
    module = importlib._bootstrap.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        pass


_raceway_start()
_raceway_chain()
