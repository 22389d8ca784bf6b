# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The one base class of every imageops.cloud module, for every cloud.

A module file is generated (``make generate``) from its cloud's declaration: its documentation, its
full argument spec, and a ``main`` that calls :func:`run_module` with how its options feed the core
(``settings``: option -> ``connect`` keyword; ``spec_names``: option -> spec field). This class does
the rest the same way for every cloud, and names none:

* import the ``imageops`` core, or fail with ``missing_required_lib("imageops")``;
* parse the desired state with the core's spec model, and the timeouts with the core's rule
  (:mod:`imageops.timeouts`), every invalid option reported at once, before any API call;
* build the driver, look the image up (one read), plan against the live cloud (the core's
  ``plan_live``: the reads a cloud needs to know what the image itself does not show, such as
  whether an OCI export is still to be made), and in check mode stop there;
* apply the plan (create, update in place, replace if allowed, delete) and wait;
* add the cloud's extra results that the plan carries (``Plan.extra_result``, the declared
  ``extra_returns``) to the module's result, in check mode too;
* report errors with the cloud's code, message and request id, never a secret.

The one ansible-core workaround (malformed values, see ``raw_params.py``) is the only AnsibleModule
method this class overrides.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.imageops.cloud.plugins.module_utils.raw_params import guard_raw_params
from ansible_collections.imageops.cloud.plugins.module_utils.regions import run_regions

# httpx imports its command-line client, and with it rich, pygments and click (~30 ms of every
# task), whenever those happen to be installed; a module never runs that client. A None entry makes
# httpx's own ``from ._main import main`` fall back to its stub.
sys.modules.setdefault("httpx._main", None)
# pydantic looks for its plugins (the entry points of every installed distribution, ~10 ms) when it
# builds its first validator; a module has none to load. A PYDANTIC_DISABLE_PLUGINS of the task's
# own (even an empty one, to load them) is kept.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

try:
    from imageops import reconcile, registry, writes
    from imageops.errors import (
        AmbiguousImageError,
        CloudError,
        ImageOpsError,
        SpecError,
        WaitTimeoutError,
    )
    from imageops.progress import ProgressTracker
    from imageops.reconcile import Action
    from imageops.redact import redact
    from imageops.timeouts import timeout_errors, wait_timeout
except ImportError:
    HAS_IMAGEOPS = False
    IMAGEOPS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_IMAGEOPS = True
    IMAGEOPS_IMPORT_ERROR = None


def run_module(argument_spec, *, cloud, settings, spec_names, info=False, filters=(), **kwargs):
    """``main`` of every generated module: the module's full argument spec and how its options feed
    the core (``settings``: option -> ``connect`` keyword; ``spec_names``: option -> spec field)."""
    module = ImageModule(
        argument_spec, cloud=cloud, settings=settings, spec_names=spec_names, info=info, **kwargs
    )
    if info:
        module.run_info(filters={name: module.params.get(name) for name in filters})
    else:
        module.run()


TAG_FILTER = "tags"

#: Open drivers by cloud and settings, for the runs that share one process. Set to a dict only by the
#: action plugin's controller path (plugin_utils/image_action.py), where every loop item of a task
#: runs in the one worker process of that task: a loop then signs in and connects once, not once per
#: item. None on the module path, where each run is its own process and closes its driver.
shared_drivers = None


def matches_tags(image, wanted):
    """True when the image carries every wanted tag (key and value; an empty value matches any)."""
    tags = image.tags
    return all(
        key in tags and (value in (None, "") or tags[key] == str(value)) for key, value in wanted.items()
    )


def _strip_unset(value, argspec):
    """Drop the suboptions Ansible filled with None: in a spec, unset means "no opinion"."""
    if value is None or not argspec.get("options"):
        return value
    if argspec.get("type") == "list":
        return [_strip_unset(item, dict(argspec, type="dict")) for item in value]
    return {
        key: _strip_unset(item, argspec["options"].get(key, {}))
        for key, item in value.items()
        if item is not None
    }


class ImageModule(AnsibleModule):
    """An AnsibleModule that manages (or reads) one cloud's images through the imageops core.

    :param auth: the cloud's :class:`CloudAuth`.
    :param argument_spec: the module's own options. For a managing module these are the cloud's
        spec arguments, passed to the spec under the same name unless ``spec_names`` renames them.
    :param info: True for a ``*_image_info`` module: no ``state``/``wait``/... options are added and
        nothing is ever written.
    :param spec_names: option name -> spec field name, for options whose names differ.
    """

    def __init__(self, argument_spec, *, cloud, settings, spec_names, info=False, regions=False, **kwargs):
        self.settings = settings
        self.supports_regions = regions
        self.cloud = cloud
        self.is_info = info
        self.spec_names = dict(spec_names)
        kwargs.setdefault("supports_check_mode", True)
        self._misshapen = []
        super().__init__(argument_spec=argument_spec, **kwargs)
        if self._misshapen:
            text = "; ".join(f"{option}: {rule}" for option, rule in self._misshapen)
            errors = [{"option": option, "rule": rule} for option, rule in self._misshapen]
            self.fail_json(msg=f"invalid options: {text}", errors=errors, changed=False)
        if not HAS_IMAGEOPS:
            self.fail_json(msg=missing_required_lib("imageops"), exception=IMAGEOPS_IMPORT_ERROR)
        self.cloud = self.chosen_cloud()
        self.spec_type = registry.spec_type(self.cloud)
        self._driver = None
        # What the cloud answered to each write: ``changed`` when a run fails (imageops.writes).
        self.writes = writes.start()
        # The state changes of every wait, returned as ``progress`` (the action plugin of the same
        # name prints them at -v: a module cannot write to the play's output while it runs).
        self.progress = ProgressTracker()

    def _load_params(self):
        """The one AnsibleModule method overridden, for the one ansible-core workaround: malformed
        values taken out before ansible-core validates (it crashes on some, and skips its secret
        masking on others), secrets masked from the start. See ``module_utils/raw_params.py``."""
        super()._load_params()
        self._misshapen, secrets = guard_raw_params(self.params, self.argument_spec)
        self.no_log_values.update(secrets)

    def chosen_cloud(self):
        """The cloud this run manages: the module's own (the neutral ``image`` module reads its option)."""
        return self.cloud

    # ---------------------------------------------------------------------------- inputs
    def spec_input(self):
        """The spec fields the user set, under the spec's names; unset options are left out."""
        data = {}
        for option, field in self.spec_names.items():
            value = self.params.get(option)
            if value is None or field is None:
                continue
            data[field] = _strip_unset(value, self.argument_spec.get(option, {}))
        return data

    def _option_name(self, field):
        head, _dot, rest = field.partition(".")
        for option, name in self.spec_names.items():
            if name == head:
                return option + ("." + rest if rest else "")
        return field

    def fail_spec(self, exc):
        problems = [{"option": self._option_name(field), "rule": rule} for field, rule in exc.errors]
        text = "; ".join(f"{p['option']}: {p['rule']}" for p in problems)
        self.fail_json(msg=f"invalid options: {text}", errors=problems, changed=False)

    def desired(self):
        """The full desired state, validated by the spec (all problems at once) or fail."""
        try:
            return self.spec_type.parse(self.spec_input())
        except SpecError as exc:
            self.fail_spec(exc)

    def key_spec(self):
        """A spec holding only what is needed to find an image again (for deletes and listings)."""
        try:
            return self.spec_type.parse_key(self.spec_input())
        except SpecError as exc:
            self.fail_spec(exc)

    def _options_spec(self):
        """With an ``image_id``, the spec only carries options such as the delete options; the
        fields that find an image by name (required without an id) may then be absent."""
        try:
            return self.spec_type.parse_key(self.spec_input())
        except SpecError:
            return None

    def auth_settings(self):
        return {setting: self.params.get(option) for option, setting in self.settings.items()}

    # ---------------------------------------------------------------------------- the cloud
    @property
    def driver(self):
        if self._driver is None:
            settings = self.auth_settings()
            if shared_drivers is None:
                self._driver = registry.connect(self.cloud, **settings)
            else:
                # the task's environment is part of the key: a loop may set it per item, and the
                # settings it does not give come from it
                key = (self.cloud, repr(sorted(settings.items())), hash(frozenset(os.environ.items())))
                if key not in shared_drivers:
                    shared_drivers[key] = registry.connect(self.cloud, **settings)
                self._driver = shared_drivers[key]
        return self._driver

    @property
    def wrote(self):
        """Whether a write was accepted or may have been (imageops.writes); a refused one was not."""
        return self.writes.changed

    def close(self):
        if self._driver is not None and shared_drivers is None:
            with contextlib.suppress(Exception):
                self._driver.close()

    def fail_error(self, exc, **extra):
        """Fail with what went wrong: the cloud's code, message and request id, never a secret; and
        the image the failure is about when the core knows it (``image_id`` and ``image.id``)."""
        result = dict(changed=self.wrote)
        if self.progress.events:  # how far a wait got before it failed or timed out
            result["progress"] = self.progress.as_list()
        result.update(extra)
        if isinstance(exc, SpecError):
            self.fail_spec(exc)
        image_id = getattr(exc, "image_id", None)
        if image_id:
            # the failure is about an image that exists (the one being updated or deleted, or built):
            # say which, whatever ``changed`` is (imageops.errors.about_image)
            result.update(image_id=image_id, image=dict(id=image_id))
        if isinstance(exc, WaitTimeoutError):
            # the image exists (a next run adopts it): say which, and how far it got
            result.update(
                changed=True,
                image_id=exc.image_id,
                last_state=exc.last_state,
                image=dict(id=exc.image_id, state=exc.last_state),
            )
        elif isinstance(exc, AmbiguousImageError):
            result.update(image_ids=list(exc.image_ids))
        elif isinstance(exc, CloudError):
            result.update(
                error=dict(
                    code=exc.code,
                    message=redact(exc.message),
                    status=exc.status,
                    request_id=exc.request_id,
                    operation=exc.operation,
                )
            )
        self.close()
        self.fail_json(msg=redact(exc), **result)

    def fail_unexpected(self, exc):
        self.close()
        self.fail_json(
            msg=redact(f"unexpected error in imageops: {type(exc).__name__}: {exc}"),
            exception=redact(traceback.format_exc()),
            changed=self.wrote,
        )

    @staticmethod
    def image_result(image):
        if image is None:
            return {}
        attributes = dict(image.attributes)
        attributes.setdefault("id", image.id)
        return attributes

    # ---------------------------------------------------------------------------- managing
    def run(self):
        """state=present|absent, check mode, diff mode, wait: the whole life of a managing module."""
        problems = timeout_errors(
            self.spec_type, wait_timeout=self.params.get("wait_timeout"), timeouts=self.params.get("timeouts")
        )
        if problems:
            self.fail_spec(SpecError(problems))
        try:
            result = self._run()
        except ImageOpsError as exc:
            self.fail_error(exc)
        except Exception as exc:  # a bug, not a cloud answer: say so, still without secrets
            self.fail_unexpected(exc)
        self.close()
        self.exit_json(**result)

    def _run(self):
        p = self.params
        if self.supports_regions and p.get("regions"):
            return run_regions(self)
        image_id = p.get("image_id")
        key = None
        if p["state"] == "absent":
            desired = None
            key = self.key_spec() if not image_id else self._options_spec()
            observed = reconcile.lookup(self.driver, key, image_id)
        else:
            desired = self.desired()
            observed = reconcile.lookup(self.driver, desired, image_id)
            if image_id and (observed is None or not observed.is_live):
                self.fail_json(
                    msg=f"image {image_id} does not exist (or is deleted); "
                    "leave image_id out to create a new image",
                    changed=False,
                )
        the_plan = reconcile.plan_live(self.driver, desired, observed, purge_tags=p["purge_tags"])
        if the_plan.action is Action.REPLACE and not p["allow_replace"]:
            fields = ", ".join(self._option_name(f) for f in the_plan.replace_fields)
            self.fail_json(
                msg=f"image {observed.id} differs in {fields}, which cannot change on an existing "
                "image; set allow_replace=true to delete it and create a new one",
                changed=False,
                replace_fields=[self._option_name(f) for f in the_plan.replace_fields],
                image=self.image_result(observed),
                diff=the_plan.diff(),
            )
        result = dict(changed=the_plan.changed, action=the_plan.action.value, diff=the_plan.diff())
        result.update(the_plan.extra_result)
        if self.check_mode:
            result["image"] = self.image_result(observed)
            result["progress"] = []
            return result
        image = reconcile.apply(
            the_plan,
            self.driver,
            wait=p["wait"],
            timeout=self.wait_timeout(the_plan.action),
            delete_options=key.delete_options() if key is not None else None,
            on_progress=self.progress,
        )
        result["progress"] = self.progress.as_list()
        if desired is None:
            image = observed  # what was deleted (or nothing)
        result["image"] = self.image_result(image)
        return result

    def wait_timeout(self, action):
        """Seconds for the waits of ``action``, by the core's one rule (:mod:`imageops.timeouts`)."""
        operation = {Action.DELETE: "delete", Action.UPDATE: "update"}.get(action, "create")
        try:
            return wait_timeout(
                self.spec_type,
                operation,
                wait_timeout=self.params.get("wait_timeout"),
                timeouts=self.params.get("timeouts"),
            )
        except SpecError as exc:
            self.fail_spec(exc)

    # ---------------------------------------------------------------------------- info
    def run_info(self, filters=None):
        """Return ``images``: the one image ``image_id`` names, or the images matching ``filters``."""
        try:
            images = self._run_info(filters or {})
        except ImageOpsError as exc:
            self.fail_error(exc)
        except Exception as exc:
            self.fail_unexpected(exc)
        self.close()
        self.exit_json(changed=False, images=[self.image_result(i) for i in images])

    def _run_info(self, filters):
        image_id = self.params.get("image_id")
        if image_id:
            image = self.driver.get(image_id)
            images = [image] if image is not None and image.is_live else []
        else:
            images = self.driver.list(self.key_spec(), **filters)
        # no cloud API of the three filters by tag in the listing itself, so the base does it
        wanted = self.params.get(TAG_FILTER) or {}
        return [image for image in images if matches_tags(image, wanted)]
