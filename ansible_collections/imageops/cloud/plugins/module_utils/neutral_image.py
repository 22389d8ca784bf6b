# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The neutral ``image`` module: one set of options for every cloud, on the same module base.

The cloud is an option, so the argument spec cannot hold one cloud's auth options: each cloud's
options sit in their own block (``oci_auth``, ``outscale_auth``, ``alicloud_auth``) with exactly the
names, aliases, environment fallbacks and ``no_log`` marks the cloud's own modules use (the same
:class:`CloudAuth` objects), and only the block of the chosen cloud is read. ``endpoint`` and
``region`` are top level, the two settings every cloud shares, so a ``module_defaults`` entry for
``group/imageops.cloud.all`` reaches this module as it reaches the others.

Validation, mapping and error paths are :mod:`imageops.neutral`'s; planning and applying are the
base class's, unchanged: this class only turns the neutral options into the cloud's spec and the
cloud's answers back into neutral names.
"""

from __future__ import annotations

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import ImageModule

try:
    from imageops import neutral
    from imageops.errors import SpecError
except ImportError:
    pass  # ImageModule reports the missing core with missing_required_lib

# The neutral options; everything else (state, image_id, wait...) comes from the base class.
NEUTRAL_OPTIONS = ("cloud", "name", "description", "source", "tags", "region", "cloud_options")


def run_neutral(argument_spec, *, auth, **kwargs):
    """``main`` of the generated ``image`` module: ``auth`` is each cloud's option -> setting map."""
    NeutralImageModule(argument_spec, auth=auth, **kwargs).run()


class NeutralImageModule(ImageModule):
    """:class:`ImageModule` for the cloud named by the ``cloud`` option, with neutral option names."""

    def __init__(self, argument_spec, *, auth, **kwargs):
        self._mapped = None
        self.auth = auth
        # every cloud copies images between regions: ``regions`` fans out on any of them
        super().__init__(argument_spec, cloud=None, settings={}, spec_names={}, regions=True, **kwargs)

    def chosen_cloud(self):
        return self.params["cloud"]

    # ---------------------------------------------------------------------------- inputs
    def spec_input(self):
        """The neutral fields the user set (``wait``/``wait_timeout`` are the base's options)."""
        data = {}
        for option in NEUTRAL_OPTIONS:
            value = self.params.get(option)
            if value is not None:
                data[option] = _without_none(value)
        return data

    def _cloud_spec(self, create):
        try:
            image, spec = neutral.cloud_spec(self.spec_input(), create=create)
        except SpecError as exc:
            self.fail_spec(exc)
        self._mapped = neutral.to_cloud(image)
        return spec

    def desired(self):
        return self._cloud_spec(create=True)

    def key_spec(self):
        return self._cloud_spec(create=False)

    def _options_spec(self):
        """With an ``image_id`` the spec only carries delete options; what is missing is no error."""
        try:
            image, spec = neutral.cloud_spec(self.spec_input(), create=False)
        except SpecError:
            return None
        self._mapped = neutral.to_cloud(image)
        return spec

    def _option_name(self, field):
        """The neutral path of a cloud spec field (errors from the core already use neutral paths)."""
        return self._mapped.neutral_path(field) if self._mapped is not None else field

    def fail_spec(self, exc):
        problems = [{"option": field, "rule": rule} for field, rule in exc.errors]
        text = "; ".join(f"{p['option']}: {p['rule']}" for p in problems)
        self.fail_json(msg=f"invalid options: {text}", errors=problems, changed=False)

    def auth_settings(self):
        """The chosen cloud's auth block, then the shared ``endpoint``, then the neutral region."""
        block = self.params.get(f"{self.cloud}_auth") or {}
        settings = {setting: block.get(option) for option, setting in self.auth[self.cloud].items()}
        if self.params.get("endpoint") is not None:
            settings["endpoint"] = self.params["endpoint"]
        if self.params.get("region") is not None:
            settings["region"] = self.params["region"]
        return settings

    # ---------------------------------------------------------------------------- outputs
    def image_result(self, image):
        return neutral.view(image) if image is not None else {}

    def _run(self):
        result = super()._run()
        if self.params.get("regions"):
            return result  # the fan-out's diff lists regions, no option to rename
        diff = result.get("diff") or {}
        result["diff"] = {side: self._neutral_keys(values) for side, values in diff.items()}
        return result

    def _neutral_keys(self, values):
        return {self._option_name(key): value for key, value in (values or {}).items()}


def _without_none(value):
    """Ansible fills unset suboptions with None; in a spec, unset means "no opinion"."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value
