# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The action plugin of every imageops.cloud module: where the module runs, and its progress.

An imageops module calls a cloud API, so its task nearly always runs on the controller anyway
(``connection: local``, ``delegate_to: localhost``). For such a task Ansible would still package
the module (AnsiballZ), start a fresh Python for it and import the imageops core again, for every
task and every loop item: most of a converged task's time. So when the task's connection is local,
this plugin runs the module in the worker process that runs the task (the *controller path*):
the core is imported once per task, and every loop item of the task reuses one open connection
(``image_module.shared_drivers``). A task that targets a remote host runs the module there, as
any module runs (the *module path*).

Both paths produce the same result, because the controller path keeps every boundary the module
path has and only skips the process: the task's arguments go through ``_update_module_args`` and
the module-bound JSON encoder; the module's own ``main`` parses, validates, masks ``no_log``
values and prints its result; the controller parses that text with ``_parse_returned_data``;
a module that crashes is reported by ansible-core's own AnsiballZ handler. The task's
``environment`` is applied to ``os.environ`` while the module runs, and everything the module
changes in the process (environment, working directory, locale, ansible-core's module globals)
is put back afterwards.

The module path is used instead when the task is ``async``, uses ``become`` (the module must run
as another user), names another ``ansible_python_interpreter`` than the controller's, when the
imageops core is not importable on the controller, on ansible-core before 2.19 (whose module
internals differ), and whenever ``imageops_execution: module`` is set (a variable, so inventory,
play, task or ``-e``; its default is the environment variable ``IMAGEOPS_ANSIBLE_EXECUTION``).
``-vvv`` says which path each task took and why.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import locale
import os
import sys

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display
from ansible.vars.clean import remove_internal_keys

from ansible_collections.imageops.cloud.plugins.plugin_utils.progress import progress_line

try:  # ansible-core 2.19+: modules exchange JSON through serialization profiles
    from ansible.module_utils._internal import _traceback
    from ansible.module_utils._internal._ansiballz import _loader
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:  # pragma: no cover - exercised only on ansible-core < 2.19
    _loader = None

display = Display()

EXECUTION_VARIABLE = "imageops_execution"
EXECUTION_ENVIRONMENT = "IMAGEOPS_ANSIBLE_EXECUTION"
EXECUTION_CHOICES = ("auto", "module")
LOCAL_CONNECTIONS = frozenset({"local", "ansible.builtin.local", "ansible.legacy.local"})
#: The serialization profile ansible-core uses for a module that declares no METADATA, as ours.
PROFILE = "legacy"
COLLECTION_PACKAGE = "ansible_collections.imageops.cloud."
IMAGE_MODULE = COLLECTION_PACKAGE + "plugins.module_utils.image_module"


class ImageAction(NormalAction):
    """Ansible's normal action, run in the worker when the task is local, plus ``progress`` at -v."""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        entries = result.get("progress")
        if isinstance(entries, list):
            host = (task_vars or {}).get("inventory_hostname")
            for entry in entries:
                if isinstance(entry, dict):
                    display.v(progress_line(entry), host=host)
        return result

    def _execute_module(
        self, module_name=None, module_args=None, tmp=None, task_vars=None, persist_files=False,
        delete_remote_tmp=None, wrap_async=False, ignore_unknown_opts=False,
    ):
        task_vars = task_vars if task_vars is not None else {}
        host = task_vars.get("inventory_hostname")
        module = None
        reason = self.module_path_reason(task_vars, wrap_async)
        if reason is None:
            module, reason = self._import_module(module_name or self._task.action)
        if module is None:
            display.vvv(f"imageops: {self._task.action} runs as a module: {reason}", host=host)
            return super()._execute_module(
                module_name=module_name, module_args=module_args, tmp=tmp, task_vars=task_vars,
                persist_files=persist_files, delete_remote_tmp=delete_remote_tmp, wrap_async=wrap_async,
                ignore_unknown_opts=ignore_unknown_opts,
            )
        display.vvv(f"imageops: {self._task.action} runs in the controller's worker process", host=host)
        return self._run_in_worker(module, module_name or self._task.action,
                                   self._task.args if module_args is None else module_args, task_vars,
                                   ignore_unknown_opts)

    # ---------------------------------------------------------------------------- which path
    def module_path_reason(self, task_vars, wrap_async=False):
        """Why this task must run as a separate module process; None when it can run in the worker."""
        choice = task_vars.get(EXECUTION_VARIABLE, os.environ.get(EXECUTION_ENVIRONMENT) or "auto")
        choice = str(self._templar.template(choice)).strip().lower()
        if choice not in EXECUTION_CHOICES:
            raise _choice_error(choice)
        if choice == "module":
            return f"{EXECUTION_VARIABLE} is 'module'"
        if _loader is None:
            return "ansible-core before 2.19"
        if wrap_async or self._task.async_val:
            return "the task is async"
        connection = getattr(self._connection, "transport", None)
        if connection not in LOCAL_CONNECTIONS:
            return f"connection {connection!r} is not local"
        if self._play_context.become:
            return "the task uses become"
        host_vars = task_vars  # the interpreter is the one of the host the task runs on
        delegate_to = getattr(self._task, "delegate_to", None)
        if delegate_to:
            host_vars = (task_vars.get("ansible_delegated_vars") or {}).get(delegate_to, task_vars)
        interpreter = host_vars.get("ansible_python_interpreter")
        if interpreter is not None:
            interpreter = str(self._templar.template(interpreter))
            if not _same_file(interpreter, sys.executable):
                return f"ansible_python_interpreter is {interpreter}, not the controller's {sys.executable}"
        return None

    def _import_module(self, action):
        """The module's Python module, imported in this process; or None and why not."""
        context = self._shared_loader_obj.module_loader.find_plugin_with_context(
            action, collection_list=self._task.collections
        )
        if not context.resolved or not context.plugin_resolved_name.startswith(COLLECTION_PACKAGE):
            return None, f"{action} does not resolve to an imageops module"
        with _environ_kept():
            module = importlib.import_module(context.plugin_resolved_name)
            image_module = importlib.import_module(IMAGE_MODULE)
        if not image_module.HAS_IMAGEOPS:
            return None, "the imageops core is not importable on the controller"
        return module, None

    # ---------------------------------------------------------------------------- the run
    def _run_in_worker(self, module, module_name, module_args, task_vars, ignore_unknown_opts):
        """What ``_execute_module`` returns, with the module's ``main`` called in this process."""
        self._update_module_args(module_name, module_args, task_vars, ignore_unknown_opts=ignore_unknown_opts)
        environment = {}
        self._compute_environment_string(raw_environment_out=environment)
        encoder = get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)
        params = json.dumps({"ANSIBLE_MODULE_ARGS": module_args}, cls=encoder).encode()
        image_module = sys.modules[IMAGE_MODULE]
        if image_module.shared_drivers is None:
            image_module.shared_drivers = {}
        stdout, stderr = io.StringIO(), io.StringIO()
        with _module_state(params, environment), contextlib.redirect_stdout(stdout), \
                contextlib.redirect_stderr(stderr):
            rc = _call_main(module)
        data = self._parse_returned_data(
            {"rc": rc, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}, PROFILE
        )
        # what _execute_module does with a module's result before returning it
        data.pop("_ansible_suppress_tmpdir_delete", None)
        remove_internal_keys(data)
        return data


def preload(action_module_name):
    """Import the module of this action plugin, and the imageops core it needs, in this process.

    Ansible's strategy loads a task's action plugin class in the controller's main process before it
    forks the worker that runs the task, so what is imported here is inherited by every worker: the
    core's imports (pydantic, httpx, the cloud's package) are paid once per playbook, not once per
    task. Nothing is connected or started. Without the core on the controller, or with the module
    path chosen in the environment, nothing is imported (the module path then runs as usual).
    """
    if _loader is None or os.environ.get(EXECUTION_ENVIRONMENT, "").strip().lower() == "module":
        return
    package, separator, name = action_module_name.rpartition(".plugins.action.")
    if not separator:
        return
    with contextlib.suppress(Exception), _environ_kept():
        module = importlib.import_module(f"{package}.plugins.modules.{name}")
        cloud = getattr(module, "MODULE", {}).get("cloud")
        image_module = importlib.import_module(IMAGE_MODULE)
        if cloud and image_module.HAS_IMAGEOPS:
            image_module.registry.spec_type(cloud)


@contextlib.contextmanager
def _environ_kept():
    """``os.environ`` as it was before the block: what a module sets for its own process while it is
    imported (image_module's PYDANTIC_DISABLE_PLUGINS) must not reach the other tasks' modules."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        if dict(os.environ) != saved:
            os.environ.clear()
            os.environ.update(saved)


def _call_main(module):
    """Run the module's ``main`` as the AnsiballZ wrapper does; return its exit status."""
    try:
        module.main()
        raise RuntimeError("New-style module did not handle its own exit.")
    except SystemExit as exc:
        return _exit_status(exc)
    except Exception as exc:  # a crash: reported by ansible-core's own handler, as on the module path
        try:
            _loader._handle_exception(exc, PROFILE)
        except SystemExit as handled:
            return _exit_status(handled)
    return 1


def _exit_status(exc):
    if exc.code is None:
        return 0
    return exc.code if isinstance(exc.code, int) else 1


@contextlib.contextmanager
def _module_state(params, environment):
    """The process as a module process would see it, for one run; put back as it was afterwards."""
    saved_environ = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_locale = locale.setlocale(locale.LC_ALL)
    saved_globals = (basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, basic._PARSED_MODULE_ARGS,
                     _traceback._module_tracebacks_enabled_events)
    module_warnings._global_warnings.clear()
    module_warnings._global_deprecations.clear()
    basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = params, PROFILE
    _traceback._module_tracebacks_enabled_events = None
    os.environ.update({str(key): str(value) for key, value in environment.items()})
    try:
        yield
    finally:
        (basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, basic._PARSED_MODULE_ARGS,
         _traceback._module_tracebacks_enabled_events) = saved_globals
        module_warnings._global_warnings.clear()
        module_warnings._global_deprecations.clear()
        os.environ.clear()
        os.environ.update(saved_environ)
        with contextlib.suppress(OSError):
            os.chdir(saved_cwd)
        with contextlib.suppress(locale.Error):
            locale.setlocale(locale.LC_ALL, saved_locale)


def _same_file(interpreter, executable):
    """Whether ``interpreter`` is this Python: the same path, or the same file in the same directory
    (``python3`` beside ``python`` in one virtualenv; a virtualenv's ``python`` links to the system
    one but has other packages, so a link alone is not enough)."""
    interpreter, executable = os.path.normpath(os.path.expanduser(interpreter)), os.path.normpath(executable)
    if interpreter == executable:
        return True
    try:
        same_directory = os.path.samefile(os.path.dirname(interpreter), os.path.dirname(executable))
        return same_directory and os.path.samefile(interpreter, executable)
    except OSError:
        return False


def _choice_error(choice):
    from ansible.errors import AnsibleActionFail

    return AnsibleActionFail(
        f"{EXECUTION_VARIABLE}: must be one of {', '.join(EXECUTION_CHOICES)}, got {choice!r}"
    )
