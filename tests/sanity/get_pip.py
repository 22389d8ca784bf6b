"""Stand-in for the pip bootstrap script ansible-test downloads from ci-files.testing.ansible.com.

ansible-test creates each sanity venv without pip, then runs the cached
``~/.ansible/test/cache/get_pip_<version>.py`` as ``__main__`` inside it with get-pip.py's
command line: pip options, the pinned packages (``pip==<version>``) and ``--no-setuptools`` /
``--no-wheel``. That host is unreachable from CI while PyPI is not, so this script gives the venv
the interpreter's own bundled pip (``ensurepip``), which then installs the pinned pip from PyPI.

``python tests/sanity/get_pip.py --install-into-cache`` (run by ``make sanity``) puts this file
where the installed ansible-test looks for the bootstrap script of the pip version it pins.
"""

import pathlib
import re
import shutil
import subprocess
import sys

# get-pip.py's own flags; pip itself does not know them.
_GET_PIP_FLAGS = {"--no-setuptools", "--no-wheel"}

# Runs `python -m <module> <args>` only if the interpreter is still a virtualenv when it starts: a
# venv being recreated under us (two ansible-test runs sharing ~/.ansible/test/venv) has its python
# symlink before its pyvenv.cfg, and pip would then install into the base interpreter.
_IN_VENV = (
    "import runpy, sys\n"
    "if sys.prefix == sys.base_prefix: sys.exit('get_pip.py: %s is not a virtualenv' % sys.executable)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)


def _in_venv(module: str, *args: str) -> None:
    subprocess.check_call([sys.executable, "-c", _IN_VENV, module, *args], stdout=subprocess.DEVNULL)


def bootstrap(argv: list[str]) -> None:
    pip_args = [arg for arg in argv if arg not in _GET_PIP_FLAGS]
    _in_venv("ensurepip", "--upgrade")
    _in_venv("pip", "install", "--quiet", *pip_args)
    # Python 3.11's ensurepip also bundles setuptools, which get-pip.py would have left out.
    if "--no-setuptools" in argv:
        _in_venv("pip", "uninstall", "--quiet", "--yes", "setuptools")


def install_into_cache() -> pathlib.Path:
    import ansible_test  # the caller's ansible-test: the pip it pins is the one it will ask for

    source = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    # ansible-test pins it as `default_packages = dict(pip='<version>')`, its only pin.
    found = re.search(r"""\bpip=['"]([\d.]+)['"]""", source.read_text())
    if found is None:
        raise SystemExit(f"no pinned pip version found in {source}; ansible-test changed its bootstrap")
    target = pathlib.Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{found[1].replace('.', '_')}.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(__file__, target)
    return target


if __name__ == "__main__":
    if sys.argv[1:] == ["--install-into-cache"]:
        print(f"pip bootstrap for ansible-test: {install_into_cache()}")
    else:
        bootstrap(sys.argv[1:])
