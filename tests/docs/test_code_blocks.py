"""Every code block of README.md and docs/ runs as written against the emulator (issue 18, item 3).

The environment of each run is what the README's "try it" box gives a user: the variables of the
emulator's env file (``set -a; . ./.emulator.env; set +a``) and nothing else of ours -- no
``OCI_CONFIG_FILE``, no ``OSC_*``: a block that needs more must say so itself, or its page must
(then :data:`SETUP` gives it that step: a config file, a session profile, an image id). Blocks are
found by their fence's language tag (an untagged fence is output or a layout, not code):

- ```yaml  a playbook (a list of plays with ``hosts``) runs with ``ansible-playbook``;
- ```python a program that uses ``pulumi`` runs through the engine-less harness (up, then destroy);
  other Python runs with ``python``;
- ```sh / ```bash runs with ``bash -euo pipefail`` from the repository root, if every line is a
  command of :data:`SAFE_COMMANDS`.

A block the test does not run as it stands must be listed in :data:`NOT_RUN` (with why) or
:data:`WRAPPED` (a fragment -- a task, the middle of a program -- and the variables its page gives
it), so a new block cannot silently escape: an unlisted block that is not a whole playbook, program
or safe script fails, and so does an entry naming no block. A failure names the file and the line
of the block's opening fence.

``python tests/docs/test_code_blocks.py PROGRAM_DIR...`` is the Pulumi runner the test calls: one
process and one harness engine for the programs sharing an environment (the provider servers start
once); each program is brought up, then destroyed, so the next one finds the demo account as it was.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / "examples" / "pulumi"

# ---------------------------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------------------------

# A fence may be indented or inside a blockquote (``> ```sh``); its body lines carry that prefix.
FENCE = re.compile(
    r"^(?P<indent>[ >]*)```(?P<lang>[A-Za-z0-9_+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.M | re.S
)


@dataclass(frozen=True)
class Block:
    path: str  # relative to the repository
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    nth: int = 1  # among the file's blocks with the same first line

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def first_line(self) -> str:
        return next((line.strip() for line in self.text.splitlines() if line.strip()), "")

    @property
    def key(self) -> tuple[str, str]:
        """How the allow-lists name a block: its file and first non-blank line (``#n`` after it for
        the n-th block opening alike), so an entry follows the block when text above it moves, and
        goes stale (and fails) when the block changes."""
        return self.path, self.first_line + (f" #{self.nth}" if self.nth > 1 else "")


def doc_files() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def blocks_of(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        if not match["lang"]:
            continue  # an untagged fence shows output or a layout (docs/progress.md's lines), not code
        line = text.count("\n", 0, match.start()) + 1
        prefix = match["indent"]
        lines = match["body"].splitlines(keepends=True)
        body = "".join(ln[len(prefix) :] if ln.startswith(prefix) else ln.lstrip(" >") for ln in lines)
        body = textwrap.dedent(body)
        block = Block(str(path.relative_to(REPO)), line, match["lang"].lower(), body)
        nth = 1 + sum(b.first_line == block.first_line for b in found)
        found.append(Block(block.path, line, block.lang, body, nth))
    return found


def all_blocks() -> list[Block]:
    return [block for path in doc_files() for block in blocks_of(path)]


def kind(block: Block) -> str:
    """playbook | program (Pulumi) | python | shell | other (anything the test cannot run as is)."""
    if block.lang in ("yaml", "yml"):
        import yaml

        try:
            data = yaml.safe_load(block.text)
        except yaml.YAMLError:
            return "other"
        if isinstance(data, list) and data and all(isinstance(p, dict) and "hosts" in p for p in data):
            return "playbook"
        return "other"
    if block.lang in ("python", "py"):
        return "program" if re.search(r"^\s*(import|from) pulumi", block.text, re.M) else "python"
    if block.lang in ("sh", "bash", "shell", "console"):
        return "shell"
    return "other"


# ---------------------------------------------------------------------------------------------
# What is not run as written, and why (keyed by file and first line: see Block.key)
# ---------------------------------------------------------------------------------------------

# Whole files whose blocks are run elsewhere.
NOT_RUN_FILES = {
    "docs/ansible/": "each page's one block is its module's EXAMPLES, generated by docs/generate.py; "
    "tests/ansible/test_module_examples.py runs every EXAMPLES block against the emulator",
}

NOT_RUN: dict[tuple[str, str], str] = {
    (
        "README.md",
        "imageops emulator serve --env-file .emulator.env &   "
        "# local OCI, OUTSCALE, Alibaba Cloud, AWS; demo ids",
    ): 'the "try it" box: the test starts the emulator so itself (running_emulator) and gives each block '
    "exactly the env file's variables",
    (
        "README.md",
        "make demo   # bootstraps .venv, starts the emulator, runs each cloud's example playbook twice",
    ): "the suite itself: `make test` runs this test; tests/ansible/test_demo_streams.py runs `make demo`",
    (
        "README.md",
        "pip install 'imageops[pulumi]'          # the core + Pulumi resources",
    ): "installs from the registries; tests/ansible/test_fresh_install.py follows it with built artifacts",
    (
        "README.md",
        ".venv/bin/imageops emulator serve --port 0 --env-file emulator.env [--state-file state.json] \\",
    ): "a synopsis (options in brackets) of a server that runs until stopped; the test's own emulator "
    "is started with the same command by imageops.emulator.testing.running_emulator",
    (
        "docs/emulator.md",
        "imageops emulator serve --env-file emulator.env &        # one loopback port per cloud",
    ): "starts a server that runs until stopped: the test's own emulator is started this way "
    "(imageops.emulator.testing.running_emulator)",
    (
        "docs/reliability.md",
        "make soak                       # everything below at full scale",
    ): "the full-scale "
    "reliability suite (`make soak`, an hour and more) and the small-scale one that `make test` already runs",
    (
        "docs/pulumi.md",
        "pip install 'imageops[pulumi]'      # in the virtualenv your Pulumi.yaml names",
    ): "installs from a registry; tests/ansible/test_fresh_install.py installs the built artifacts",
    (
        "docs/pulumi.md",
        "# Pulumi.yaml",
    ): "a Pulumi.yaml fragment; examples/pulumi/multicloud/Pulumi.yaml names the plugin this way and "
    "tests/pulumi/test_pulumi_demo.py runs it through that plugin",
    (
        "docs/scale.md",
        "cd examples/execution-environment",
    ): "`ansible-builder build` needs a container engine; tests/ansible/test_execution_environment.py "
    "runs `ansible-builder create` on the same file",
    (
        "docs/adding-a-cloud.md",
        "# shared/imageops/registry.py",
    ): "an excerpt of shared/imageops/registry.py with a placeholder (`<cloud>`), not a program",
    (
        "docs/signing-in/alicloud.md",
        "{",
    ): "~/.aliyun/config.json, not code; tests/unit/test_alicloud_config.py reads each of its modes",
    (
        "docs/signing-in/outscale.md",
        '{"production": {"access_key": "AK...", "secret_key": "...", "region": "eu-west-2",',
    ): "~/.osc/config.json, not code",
    ("docs/signing-in/aws.md", "[profile builder]"): "~/.aws/config, not code; tests/unit/test_aws_spec.py "
    "signs in through config and credentials file profiles (botocore's chain)",
}


@dataclass(frozen=True)
class Wrap:
    """A fragment run wrapped: a task list in a localhost play (:func:`wrap_tasks`), a piece of a
    Pulumi program after a prelude of imports (:func:`wrap_program`). ``names`` are the variables the
    fragment uses as given, each bound to the emulator's variable holding that id."""

    why: str
    names: tuple[tuple[str, str], ...] = ()


OCI_IDS = (("compartment_id", "IMAGEOPS_OCI_COMPARTMENT_ID"), ("instance_id", "IMAGEOPS_OCI_INSTANCE_ID"))
NEUTRAL_IDS = (
    ("compartment_id", "IMAGEOPS_OCI_COMPARTMENT_ID"),
    ("oci_instance_id", "IMAGEOPS_OCI_INSTANCE_ID"),
    ("vm_id", "IMAGEOPS_OUTSCALE_VM_ID"),
    ("ecs_instance_id", "IMAGEOPS_ALICLOUD_INSTANCE_ID"),
)

WRAPPED: dict[tuple[str, str], Wrap] = {
    ("README.md", "- name: The golden image, on each cloud"): Wrap(
        "the task of examples/ansible/neutral_image.yml; its ids as docs/neutral.md names them", NEUTRAL_IDS
    ),
    ("docs/neutral.md", "import pulumi_images as images"): Wrap(
        "the ids are the page's names for the three clouds' instances", NEUTRAL_IDS
    ),
    ("docs/neutral.md", "- name: The golden image, on each cloud"): Wrap("a task of a play", NEUTRAL_IDS),
    ("docs/neutral.md", "- name: The golden image in three OCI regions"): Wrap(
        "a task of a play", NEUTRAL_IDS
    ),
    ("docs/fanout.md", "- name: Golden image everywhere"): Wrap(
        "a task of a play", (("instance_id", "IMAGEOPS_ALICLOUD_INSTANCE_ID"),)
    ),
    (
        "docs/fanout.md",
        'web = images.fan_out(images.Image, "web", ["us-ashburn-1", "us-phoenix-1", "eu-frankfurt-1"],',
    ): Wrap("continues the program above it", (("instance_ocid", "IMAGEOPS_OCI_INSTANCE_ID"), OCI_IDS[0])),
}

ALICLOUD_INSTANCE = (("instance_id", "IMAGEOPS_ALICLOUD_INSTANCE_ID"),)
OUTSCALE_VM = (("vm_id", "IMAGEOPS_OUTSCALE_VM_ID"),)
SIGN_IN_TESTS = "tests/integration/test_{}_sign_in*.py sign in this way against the emulator"
WRAPPED.update(
    {
        ("docs/signing-in/oci.md", "- name: An image from an instance"): Wrap("a task of a play", OCI_IDS),
        ("docs/signing-in/oci.md", "import pulumi_images as images"): Wrap("the page's ids", OCI_IDS),
        ("docs/signing-in/alicloud.md", "- hosts: localhost"): Wrap(
            "the keys come from the reader's vault",
            (
                *ALICLOUD_INSTANCE,
                ("vault_alicloud_access_key", "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"),
                ("vault_alicloud_secret_key", "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"),
            ),
        ),
        ("docs/signing-in/alicloud.md", "import pulumi_images as images"): Wrap(
            "the page's ids", ALICLOUD_INSTANCE
        ),
        ("docs/signing-in/outscale.md", "import pulumi_images as images"): Wrap(
            "the page's ids", OUTSCALE_VM
        ),
        ("docs/signing-in/outscale.md", "- name: An OMI from a VM, signed with SigV4"): Wrap(
            "a task of a play", OUTSCALE_VM
        ),
        (
            "docs/signing-in/outscale.md",
            "# pulumi config set imageops:outscaleSignatureVersion aws4   (or the input below, per resource)",
        ): Wrap("continues the program above it", OUTSCALE_VM),
    }
)
NOT_RUN.update(
    {
        (
            "docs/signing-in/alicloud.md",
            "set -a; . ./emu.env; set +a",
        ): "reads ./emu.env, which the page's previous "
        "step writes with a server that runs until stopped; examples/ansible/alicloud_image.yml is run by "
        "tests/ansible/test_alicloud_image.py",
        (
            "docs/signing-in/outscale.md",
            "- name: An OMI, through an API access rule that requires a certificate",
        ): "the emulator speaks plain HTTP on loopback, so there is no TLS handshake to present a client "
        "certificate to; tests/unit/test_outscale_sign_in_units.py covers the certificate's loading and use",
        (
            "docs/signing-in/outscale.md",
            "# pulumi config set imageops:outscaleX509ClientCert ~/.osc/client.crt",
        ): "the client certificate: as above",
        (
            "docs/signing-in/aws.md",
            "export AWS_ROLE_ARN=arn:aws:iam::123456789012:role/image-builder",
        ): "a GitHub Actions job's steps: its token URL and runner folder exist only in a job; "
        "tests/integration/test_aws_signin.py signs in by AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE "
        "with a token of the emulator's issuer",
        (
            "docs/signing-in/aws.md",
            "[profile ci]",
        ): "a profile for ~/.aws/config; tests/integration/test_aws_signin.py signs in by such a profile "
        "(role_arn and web_identity_token_file, STS in its services section)",
        (
            "docs/signing-in/aws.md",
            "export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:8765/v1/credentials",
        ): "needs the container credentials agent (or a sidecar) on 127.0.0.1:8765; "
        "tests/integration/test_aws_signin.py runs one on loopback and signs in through it",
    }
)

WRAPPED.update(
    {
        ("docs/signing-in/oci.md", "- name: An image, signed in with my session"): Wrap(
            "a task of a play", OCI_IDS
        ),
        ("docs/signing-in/oci.md", "import pulumi_images as images #2"): Wrap("the page's ids", OCI_IDS),
        ("docs/signing-in/oci.md", "- name: An image, signed in as the CI runner"): Wrap(
            "a task of a play", OCI_IDS
        ),
        ("docs/signing-in/oci.md", "import pulumi_images as images #3"): Wrap("the page's ids", OCI_IDS),
        ("docs/signing-in/oci.md", "- name: An image, signed in as the function"): Wrap(
            "a task of a play", OCI_IDS
        ),
        ("docs/signing-in/oci.md", "import pulumi_images as images #4"): Wrap("the page's ids", OCI_IDS),
    }
)


ALICLOUD_ROLE = (*ALICLOUD_INSTANCE, ("role_arn", "IMAGEOPS_ALICLOUD_ROLE_ARN"))
ALICLOUD_ECS_ROLE = (*ALICLOUD_INSTANCE, ("ecs_role_name", "IMAGEOPS_ALICLOUD_ECS_ROLE_NAME"))
WRAPPED.update(
    {
        ("docs/signing-in/outscale.md", "- hosts: localhost"): Wrap("the page's ids", OUTSCALE_VM),
        ("docs/signing-in/aws.md", "- hosts: localhost"): Wrap(
            "the page's ids", (("instance_id", "IMAGEOPS_AWS_INSTANCE_ID"),)
        ),
        ("docs/signing-in/alicloud.md", "- hosts: localhost #2"): Wrap("the page's ids", ALICLOUD_ROLE),
        ("docs/signing-in/alicloud.md", "import pulumi_images as images #2"): Wrap(
            "the page's ids", ALICLOUD_ROLE
        ),
        ("docs/signing-in/alicloud.md", "- hosts: localhost #3"): Wrap("the page's ids", ALICLOUD_ECS_ROLE),
        ("docs/signing-in/alicloud.md", "import pulumi_images as images #3"): Wrap(
            "the page's ids", ALICLOUD_INSTANCE
        ),
        ("docs/signing-in/alicloud.md", "- hosts: localhost #4"): Wrap("the page's ids", ALICLOUD_INSTANCE),
        ("docs/signing-in/alicloud.md", "import pulumi_images as images #4"): Wrap(
            "the page's ids", ALICLOUD_INSTANCE
        ),
    }
)


# ---------------------------------------------------------------------------------------------
# What the reader did before a block (its page says so): more environment for its run
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    why: str
    make: Callable[
        [dict[str, str], Path], dict[str, str | None]
    ]  # (emulator env, scratch) -> vars (None: unset)


def _cli_variables(env: dict[str, str], workdir: Path) -> dict[str, str]:
    from imageops.emulator.testing import cli_environment

    return cli_environment(env)


def _oci_session_profile(profile: str) -> Callable[[dict[str, str], Path], dict[str, str]]:
    """``oci session authenticate --profile-name WORK`` done: the emulator's session profile under
    that name, in a config file holding session profiles only (no API key to fall back on)."""

    def make(env: dict[str, str], workdir: Path) -> dict[str, str]:
        import configparser

        parser = configparser.ConfigParser(interpolation=None)
        parser.read(env["IMAGEOPS_OCI_CONFIG_FILE"])
        config = workdir / "oci-session.config"
        config.write_text(
            f"[{profile}]\n"
            + "".join(f"{k}={v}\n" for k, v in parser[env["IMAGEOPS_OCI_SESSION_PROFILE"]].items())
        )
        return {"IMAGEOPS_OCI_CONFIG_FILE": str(config), "OCI_CONFIG_FILE": str(config)}

    return make


def _oci_session_by_cli_variables(env: dict[str, str], workdir: Path) -> dict[str, str | None]:
    """The block's stack config (ociAuth, ociProfile) as the page's ``export OCI_CLI_AUTH=...``
    line. The env file's IMAGEOPS_OCI_PROFILE=DEFAULT would win over OCI_CLI_PROFILE (the first
    set wins); a reader on the real cloud has no such variable, so it goes."""
    session = _oci_session_profile("WORK")(env, workdir)
    return {
        **session,
        "OCI_CLI_AUTH": "security_token",
        "OCI_CLI_PROFILE": "WORK",
        "IMAGEOPS_OCI_PROFILE": None,
    }


def _oci_functions_runtime(env: dict[str, str], workdir: Path) -> dict[str, str]:
    # what an OCI Function's runtime sets; the emulator writes them under IMAGEOPS_ names
    prefix = "IMAGEOPS_OCI_RESOURCE_PRINCIPAL_"
    return {name.removeprefix("IMAGEOPS_"): value for name, value in env.items() if name.startswith(prefix)}


ALICLOUD_KEYS = ("IMAGEOPS_ALICLOUD_ACCESS_KEY_ID", "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET")


def _alicloud_ecs_instance(env: dict[str, str], workdir: Path) -> dict[str, str | None]:
    """On the ECS instance (its metadata service is the env file's IMAGEOPS_ALICLOUD_METADATA_URL),
    with the stack config's role name as ALIBABA_CLOUD_ECS_METADATA and, as the page says, no
    AccessKey variable beside it."""
    return {
        "ALIBABA_CLOUD_ECS_METADATA": env["IMAGEOPS_ALICLOUD_ECS_ROLE_NAME"],
        **dict.fromkeys(ALICLOUD_KEYS),
    }


def _aliyun_builder_profile(env: dict[str, str], workdir: Path) -> dict[str, str | None]:
    """The page's ~/.aliyun/config.json, its `builder` profile holding the emulator's key and role;
    no AccessKey variable, so the profile is what signs in. ALIBABA_CLOUD_PROFILE is the stack
    config of the Pulumi block (the playbook names the profile itself)."""
    builder = {
        "name": "builder",
        "mode": "RamRoleArn",
        "access_key_id": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "access_key_secret": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "ram_role_arn": env["IMAGEOPS_ALICLOUD_ROLE_ARN"],
        "ram_session_name": "ci",
        "expired_seconds": 3600,
        "region_id": env["IMAGEOPS_ALICLOUD_REGION"],
    }
    config = workdir / "aliyun-config.json"
    config.write_text(json.dumps({"current": "builder", "profiles": [builder]}))
    return {
        "ALIBABA_CLOUD_CONFIG_FILE": str(config),
        "ALIBABA_CLOUD_PROFILE": "builder",
        **dict.fromkeys(ALICLOUD_KEYS),
    }


def _osc_production_profile(env: dict[str, str], workdir: Path) -> dict[str, str | None]:
    """The page's ~/.osc/config.json (its `production` profile) with the emulator's keys and
    endpoint, at OSC_CONFIG_FILE."""
    production = {
        "access_key": env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        "secret_key": env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        "region": env["IMAGEOPS_OUTSCALE_REGION"],
        "endpoints": {"api": env["IMAGEOPS_OUTSCALE_ENDPOINT"]},
    }
    config = workdir / "osc-config.json"
    config.write_text(json.dumps({"production": production}))
    return {"OSC_CONFIG_FILE": str(config)}


CREATE_ALICLOUD_IMAGE = """
import os
from imageops.alicloud import AlicloudImageSpec
from imageops.fanout import connector, fan_out
instance_id = os.environ["IMAGEOPS_ALICLOUD_INSTANCE_ID"]
spec = AlicloudImageSpec.parse({"image_name": "docs-wait", "instance_id": instance_id})
print(fan_out(spec, [os.environ["IMAGEOPS_ALICLOUD_REGION"]], connector("alicloud")).image_ids.popitem()[1])
"""


def _alicloud_image_id(env: dict[str, str], workdir: Path) -> dict[str, str]:
    script = workdir / "create_image.py"
    script.write_text(CREATE_ALICLOUD_IMAGE)
    proc = subprocess.run(
        [sys.executable, str(script)],
        env=_python_env(try_it_env(env)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"IMAGE_ID": proc.stdout.strip()}


SIGNED_IN_AS_CLI = Setup(
    'signed in as each cloud\'s CLI (OSC_ACCESS_KEY...: README "The emulator")', _cli_variables
)
WORK_SESSION = Setup("`oci session authenticate --profile-name WORK` done", _oci_session_profile("WORK"))
OUTSCALE_STACK_KEYS = "the stack config's keys, as the OUTSCALE CLI's variables"

SETUP: dict[tuple[str, str], Setup] = {
    ("docs/neutral.md", "import pulumi_images as images"): SIGNED_IN_AS_CLI,
    ("docs/signing-in/outscale.md", "import pulumi_images as images"): Setup(
        OUTSCALE_STACK_KEYS, _cli_variables
    ),
    (
        "docs/signing-in/outscale.md",
        "# pulumi config set imageops:outscaleSignatureVersion aws4   (or the input below, per resource)",
    ): Setup(OUTSCALE_STACK_KEYS, _cli_variables),
    ("docs/signing-in/oci.md", "- name: An image, signed in with my session"): WORK_SESSION,
    ("docs/signing-in/oci.md", "import pulumi_images as images #2"): Setup(
        "the WORK session, and the stack config as the page's OCI_CLI_AUTH / OCI_CLI_PROFILE",
        _oci_session_by_cli_variables,
    ),
    ("docs/signing-in/oci.md", "- name: An image, signed in as the function"): Setup(
        "in an OCI Function", _oci_functions_runtime
    ),
    ("docs/signing-in/oci.md", "import pulumi_images as images #4"): Setup(
        "in an OCI Function", _oci_functions_runtime
    ),
    ("docs/signing-in/outscale.md", "- hosts: localhost"): Setup(
        "the page's config.json", _osc_production_profile
    ),
    ("docs/signing-in/aws.md", "- hosts: localhost"): SIGNED_IN_AS_CLI,
    ("docs/signing-in/aws.md", "import os"): SIGNED_IN_AS_CLI,
    ("docs/signing-in/alicloud.md", "import pulumi_images as images #3"): Setup(
        "on the ECS instance, the role name set", _alicloud_ecs_instance
    ),
    ("docs/signing-in/alicloud.md", "- hosts: localhost #4"): Setup(
        "the page's config.json", _aliyun_builder_profile
    ),
    ("docs/signing-in/alicloud.md", "import pulumi_images as images #4"): Setup(
        "the page's config.json", _aliyun_builder_profile
    ),
    (
        "docs/progress.md",
        "# IMAGE_ID: the image being built, as its create returned it (m-bp1g7004ksh0oeuc2xx below)",
    ): Setup("an image was created (IMAGE_ID)", _alicloud_image_id),
}


# ---------------------------------------------------------------------------------------------
# Runners
# ---------------------------------------------------------------------------------------------

OUR_PREFIXES = ("IMAGEOPS_", "OCI_", "OSC_", "ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_", "PULUMI_")


def try_it_env(emulator_env: dict[str, str]) -> dict[str, str]:
    """What the README's "try it" box gives: this shell's environment without any cloud variable of
    ours (a developer's own OCI_CONFIG_FILE must not make a block pass), plus the env file's lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OUR_PREFIXES)}
    env.update(emulator_env)
    return env


def _python_env(env: dict[str, str]) -> dict[str, str]:
    return {**env, "PYTHONPATH": os.pathsep.join([str(REPO / "shared"), str(REPO)])}


def block_env(block: Block, emulator_env: dict[str, str], workdir: Path) -> dict[str, str]:
    """The try-it environment, plus what SETUP says the reader did before this block."""
    env = try_it_env(emulator_env)
    setup = SETUP.get(block.key)
    for name, value in (setup.make(emulator_env, workdir) if setup else {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def lookup(variable: str) -> str:
    return "{{ lookup('ansible.builtin.env', '" + variable + "') }}"


def wrap_tasks(block: Block, wrap: Wrap) -> str:
    """A task fragment as the play a user would paste it into: localhost, the fragment's variables
    from the emulator's ids, and OUTSCALE's keys (OUTSCALE has no config-file default to fall back
    on, unlike OCI's ``IMAGEOPS_OCI_CONFIG_FILE``)."""
    import yaml

    outscale = {
        "access_key": lookup("IMAGEOPS_OUTSCALE_ACCESS_KEY"),
        "secret_key": lookup("IMAGEOPS_OUTSCALE_SECRET_KEY"),
        "region": lookup("IMAGEOPS_OUTSCALE_REGION"),
    }
    play = {
        "name": f"wrapped {block.where}",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {name: lookup(variable) for name, variable in wrap.names},
        "module_defaults": {
            "group/imageops.cloud.outscale": outscale,
            "imageops.cloud.image": {"outscale_auth": outscale},
        },
        "tasks": yaml.safe_load(block.text),
    }
    return yaml.safe_dump([play], sort_keys=False)


def wrap_program(block: Block, wrap: Wrap) -> Block:
    """A piece of a Pulumi program after the imports and ids the page's earlier text gives it."""
    prelude = ["import os", "import pulumi", "import pulumi_images as images"]
    prelude += [f'{name} = os.environ["{variable}"]' for name, variable in wrap.names]
    return Block(block.path, block.line, block.lang, "\n".join(prelude) + "\n" + block.text, block.nth)


def run_playbook_block(block: Block, emulator, tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "tests" / "ansible"))
    from ansible_support import make_ansible_env, run_playbook

    env = make_ansible_env(None)  # the collection from this checkout, the venv's Python
    env = {k: v for k, v in env.items() if k.startswith("ANSIBLE_") or k == "PATH"}
    env = {**block_env(block, emulator.env, tmp_path), **env}
    wrap = WRAPPED.get(block.key)
    args: list[str] = []
    if wrap and kind(block) == "playbook":  # a whole play: its variables as extra vars, as -e gives them
        args = ["-e", json.dumps({name: emulator.env[variable] for name, variable in wrap.names})]
        text = block.text
    else:
        text = wrap_tasks(block, wrap) if wrap else block.text
    run = run_playbook(tmp_path, text, *args, env=env, expect_rc=None)
    assert run.rc == 0, f"{block.where}: the playbook failed (rc={run.rc})\n{run.output[-4000:]}"


# What a script may run without a NOT_RUN entry: the imageops CLI and read-only one-liners. Anything
# else (make, pip, a server) fails the test until listed, so a new block is never run blind (an
# unlisted `make soak` would start an hour of soak tests).
SAFE_COMMANDS = ("imageops", ".venv/bin/imageops", "python -c", "export", "set -a", "set +a", "#")


def unsafe_lines(script: str) -> list[str]:
    lines = [line.strip() for line in script.splitlines() if line.strip()]
    return [line for line in lines if not any(line.startswith(cmd) for cmd in SAFE_COMMANDS)]


def run_shell_block(block: Block, emulator, tmp_path: Path) -> None:
    unsafe = unsafe_lines(block.text)
    assert not unsafe, (
        f"{block.where}: not run, {unsafe} is not a command this test runs blind ({SAFE_COMMANDS}); "
        f"list {block.key!r} in NOT_RUN with why"
    )
    env = block_env(block, emulator.env, tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.text],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (
        f"{block.where}: the script failed (rc={proc.returncode})\n{proc.stdout}{proc.stderr}"
    )


def run_python_block(block: Block, emulator, tmp_path: Path) -> str:
    script = tmp_path / "block.py"
    script.write_text(block.text)
    env = _python_env(block_env(block, emulator.env, tmp_path))
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"{block.where}: the program failed\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def run_programs(blocks: list[Block], emulator, tmp_path: Path) -> dict[str, str]:
    """Run Pulumi programs through one harness process (so blocks sharing a SETUP entry, or none);
    returns {block.where: error} of the failures."""
    dirs = []
    tmp_path.mkdir(parents=True, exist_ok=True)
    for number, block in enumerate(blocks):
        program = tmp_path / f"program-{number}"
        program.mkdir()
        (program / "Pulumi.yaml").write_text("name: docs-block\nruntime: python\n")
        wrap = WRAPPED.get(block.key)
        (program / "__main__.py").write_text(wrap_program(block, wrap).text if wrap else block.text)
        (program / "where").write_text(block.where)
        dirs.append(str(program))
    env = _python_env(block_env(blocks[0], emulator.env, tmp_path))
    proc = subprocess.run(
        [sys.executable, __file__, *dirs], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    results = [
        json.loads(line[len("RESULT ") :]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")
    ]
    failures = {r["where"]: r["error"] for r in results if r["error"]}
    missing = {b.where for b in blocks} - {r["where"] for r in results}
    failures.update(
        {
            where: f"no result (rc={proc.returncode})\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
            for where in missing
        }
    )
    return failures


def _harness_main(dirs: list[str]) -> int:
    """Each program: ``pulumi up`` (every image created through the real dynamic-provider server),
    then ``pulumi destroy``, so the next program finds the demo account as it was."""
    import traceback

    sys.path[:0] = [str(REPO), str(REPO / "shared"), str(HARNESS)]
    from run_with_harness import HarnessEngine

    with HarnessEngine(dict(os.environ), log=lambda text: None) as engine:
        for program in map(Path, dirs):
            where = (program / "where").read_text()
            error = ""
            try:
                actions = engine.up(program)
                if not actions:
                    error = "the program declared no image"
            except BaseException:
                error = traceback.format_exc()[-3000:]
            try:
                engine.destroy()
            except BaseException:
                error = error or f"destroy failed: {traceback.format_exc()[-2000:]}"
                engine.states.clear()
            print("RESULT " + json.dumps({"where": where, "error": error}), flush=True)
    return 0


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------

import pytest  # noqa: E402 - after the runner, which `__main__` runs without pytest's help

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

RUN_ORDER = {"program": 0, "python": 1, "playbook": 2, "shell": 3, "other": 4}


def run_kind(block: Block) -> str:
    """:func:`kind`, where a listed fragment counts as what it is wrapped into."""
    if block.key in WRAPPED and block.lang in ("yaml", "yml"):
        return "playbook"  # a task list, run in the play wrap_tasks makes
    if block.key in WRAPPED and block.lang in ("python", "py"):
        return "program"  # run after wrap_program's prelude
    return kind(block)


def not_run_reason(block: Block) -> str | None:
    for prefix, reason in NOT_RUN_FILES.items():
        if block.path.startswith(prefix):
            return reason
    return NOT_RUN.get(block.key)


def blocks_to_run() -> list[Block]:
    # Pulumi programs first: they destroy what they make, so the playbooks after them never meet
    # an image of theirs (a playbook adopts one by name, which would hide a failed create).
    return sorted(all_blocks(), key=lambda b: RUN_ORDER[run_kind(b)])


@pytest.fixture(scope="module")
def emulator():
    from imageops.emulator.testing import running_emulator

    # 0.001 (ten times faster than the suites' 0.01): the copies and imports of the fan-out blocks
    # finish in seconds, which keeps this file near a minute; the blocks do not depend on timing.
    with running_emulator(time_scale=0.001) as handle:
        yield handle


@pytest.fixture(scope="module")
def program_failures(emulator, tmp_path_factory):
    """Every Pulumi block that runs, in one harness process: {block.where: error}."""
    programs = [b for b in all_blocks() if run_kind(b) == "program" and not_run_reason(b) is None]
    failures = {}
    for setup in dict.fromkeys(SETUP.get(b.key) for b in programs):  # a harness process per environment
        group = [b for b in programs if SETUP.get(b.key) == setup]
        failures.update(run_programs(group, emulator, tmp_path_factory.mktemp("programs")))
    return failures


RUNNERS = {"playbook": run_playbook_block, "python": run_python_block, "shell": run_shell_block}


@pytest.mark.parametrize("block", blocks_to_run(), ids=lambda b: b.where)
def test_block_runs_as_written(block, emulator, tmp_path, request):
    reason = not_run_reason(block)
    if reason:
        pytest.skip(f"{block.where} not run: {reason}")
    what = run_kind(block)
    if what == "other":
        pytest.fail(
            f"{block.where}: a ```{block.lang} block that is not a playbook, program or script; make it "
            f"one, or list {block.key!r} in NOT_RUN (why) or WRAPPED (in what) of {Path(__file__).name}"
        )
    if what == "program":
        error = request.getfixturevalue("program_failures").get(block.where)
        assert not error, f"{block.where}: the Pulumi program failed\n{error}"
        return
    RUNNERS[what](block, emulator, tmp_path)


def test_a_broken_block_fails_naming_its_file_and_line(emulator, tmp_path):
    """The runners can fail: the README's playbook and program with an id the emulator does not
    have, and a script that exits non-zero, each fail naming where the block is."""
    readme = {b.key: b for b in blocks_of(REPO / "README.md")}
    play = readme[("README.md", "- hosts: localhost")]
    broken = Block(
        play.path, play.line, play.lang, play.text.replace("IMAGEOPS_OCI_INSTANCE_ID", "IMAGEOPS_NO_SUCH")
    )
    with pytest.raises(AssertionError, match=f"{play.where}: the playbook failed"):
        run_playbook_block(broken, emulator, tmp_path)
    program = next(b for b in readme.values() if b.lang == "python")
    broken = Block(
        program.path, program.line, program.lang, program.text.replace('"golden-ol8"', '"x" * 300')
    )
    failures = run_programs([broken], emulator, tmp_path / "programs")
    assert list(failures) == [program.where]
    with pytest.raises(AssertionError, match=r"docs/x\.md:7: the script failed"):
        run_shell_block(
            Block("docs/x.md", 7, "sh", "imageops image wait ocid1.image.oc1..nosuch --cloud oci"),
            emulator,
            tmp_path,
        )


def test_every_allow_list_entry_names_a_block():
    """An entry whose block changed or went away is stale: the new text must be judged again."""
    keys = {b.key for b in all_blocks()}
    stale = [key for key in [*NOT_RUN, *WRAPPED, *SETUP] if key not in keys]
    assert not stale, f"entries naming no block (changed or removed): {stale}"


def test_blocks_are_found_with_their_line_and_kind():
    """The extraction itself: a fence's line, an indented fence, each kind."""
    page = REPO / "README.md"
    found = blocks_of(page)
    assert found and all(
        page.read_text().splitlines()[b.line - 1].lstrip(" >").startswith("```") for b in found
    )
    sample = Block("x.md", 1, "yaml", "- hosts: localhost\n  tasks: []\n")
    assert kind(sample) == "playbook"
    assert kind(Block("x.md", 1, "yaml", "- name: a task\n  debug: {}\n")) == "other"
    assert kind(Block("x.md", 1, "python", "import pulumi\n")) == "program"
    assert kind(Block("x.md", 1, "json", "{}")) == "other"
    assert unsafe_lines("# wait\n.venv/bin/imageops image wait x\nmake soak\n") == ["make soak"]


if __name__ == "__main__":
    sys.exit(_harness_main(sys.argv[1:]))
