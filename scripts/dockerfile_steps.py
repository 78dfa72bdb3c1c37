"""Run the Dockerfile's Python build steps in a fresh virtual environment, without secrets.

    python scripts/dockerfile_steps.py [Dockerfile] [--keep]      # make image-check

No container engine runs in CI, so this reads the Dockerfile itself and does what `docker build`
would do for Python: the build context (minus .dockerignore) is copied to a temporary folder that
stands for the image's file system, a virtual environment of the image's Python takes the place
of the base image's interpreter, and every RUN step runs there with exactly the ENV lines of the
Dockerfile and nothing of this machine's environment (no SECRET_KEY, no DATABASE_URL, no keys):
only PATH, HOME, LANG and the pip and proxy settings needed to reach the package index. System
steps (apt-get, useradd, ...) are left to the real build and named in the output. Afterwards the
image must hold what production serves from (the static files manifest, compiled translations)
and the CMD's WSGI application must import with production settings. Exit status 0 when all of it
holds; a failing step prints its output and ends the check with 1.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Commands of the base image's operating system: the real build runs them, a venv cannot.
SYSTEM_COMMANDS = {"apt-get", "apt", "dpkg", "useradd", "groupadd", "adduser", "addgroup", "chown"}
# Outer variables a build may see: how to reach the package index, nothing about the platform.
PASS_THROUGH = re.compile(
    r"^(PATH|HOME|LANG|LC_ALL|PIP_[A-Z_]+|(https?|no)_proxy|(HTTPS?|NO)_PROXY|SSL_CERT_FILE|"
    r"REQUESTS_CA_BUNDLE)$"
)


@dataclass
class Image:
    """The state a Dockerfile builds up: where its files live and the environment of its RUNs."""

    root: Path
    python: str
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    skipped: list[str] = field(default_factory=list)

    def path(self, image_path: str) -> Path:
        absolute = image_path if image_path.startswith("/") else f"{self.workdir}/{image_path}"
        return self.root / os.path.normpath(absolute).lstrip("/")


def instructions_read(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined and comments dropped."""
    result, pending = [], ""
    for line in dockerfile.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        pending += stripped
        keyword, _, arguments = pending.partition(" ")
        result.append((keyword.upper(), arguments.strip()))
        pending = ""
    return result


def env_parse(arguments: str) -> dict[str, str]:
    words = shlex.split(arguments)
    if words and "=" not in words[0]:  # the old form: ENV NAME value with spaces
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) for word in words)


def python_for(base_image: str) -> tuple[str, str]:
    """The interpreter for python:X.Y images: pythonX.Y if it runs here, else this one (noted)."""
    match = re.match(r"python:(\d+\.\d+)", base_image)
    wanted = match.group(1) if match else None
    if wanted:
        candidate = shutil.which(f"python{wanted}")
        if candidate and subprocess.run([candidate, "-V"], capture_output=True).returncode == 0:
            return candidate, f"Python {wanted}, as the image"
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return sys.executable, f"Python {here} (the image has {wanted or base_image}; not found here)"


def context_copy(destination: Path) -> None:
    """The build context as `docker build .` sends it: the project minus .dockerignore."""
    ignore_file = PROJECT_DIR / ".dockerignore"
    patterns = [
        line.strip()
        for line in (ignore_file.read_text().splitlines() if ignore_file.exists() else [])
        if line.strip() and not line.startswith("#")
    ]

    def ignored(relative: str) -> bool:
        for pattern in patterns:
            bare = pattern.lstrip("/")
            if fnmatch.fnmatch(relative, bare) or fnmatch.fnmatch(relative, bare.rstrip("/")):
                return True
            if bare.startswith("**/") and fnmatch.fnmatch(Path(relative).name, bare[3:]):
                return True
        return False

    def ignore(directory: str, names: list[str]) -> set[str]:
        base = Path(directory).relative_to(PROJECT_DIR).as_posix()
        return {name for name in names if ignored(name if base == "." else f"{base}/{name}")}

    shutil.copytree(PROJECT_DIR, destination, ignore=ignore, dirs_exist_ok=True, symlinks=True)


def run_step(image: Image, command: str) -> None:
    segments = [segment.strip() for segment in command.split("&&")]
    kept, dropped = [], []
    for segment in segments:
        words = segment.split()
        system = words and (
            words[0] in SYSTEM_COMMANDS or (words[0] == "rm" and "/var/lib/apt" in segment)
        )
        (dropped if system else kept).append(segment)
    if dropped:
        image.skipped.append(" && ".join(dropped))
    if not kept:
        print(f"  skipped (system step): {command[:100]}")
        return
    script = " && ".join(kept)
    print(f"  RUN {script}")
    image.path(image.workdir).mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["sh", "-ec", script],
        cwd=image.path(image.workdir),
        env=image.env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        print(result.stdout[-4000:])
        print(result.stderr[-6000:], file=sys.stderr)
        raise SystemExit(f"FAILED (exit {result.returncode}): {script}")


def build(dockerfile: Path, root: Path, *, pip: bool = True) -> Image:
    """Every instruction in order; ``pip=False`` makes a venv without pip (quicker, for tests)."""
    image: Image | None = None
    for keyword, arguments in instructions_read(dockerfile):
        if keyword == "FROM":
            python, note = python_for(arguments.split()[0])
            image = Image(root=root, python=python)
            print(f"FROM {arguments}: {note}")
            venv = root / "venv"
            venv_args = [] if pip else ["--without-pip"]
            subprocess.run([python, "-m", "venv", *venv_args, str(venv)], check=True)
            image.env = {k: v for k, v in os.environ.items() if PASS_THROUGH.match(k)}
            image.env["PATH"] = f"{venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"
            image.env.setdefault("LANG", "C.UTF-8")
            continue
        if image is None:
            raise SystemExit(f"{keyword} before FROM")
        if keyword == "ENV":
            image.env.update(env_parse(arguments))
            print(f"ENV {arguments}")
        elif keyword == "WORKDIR":
            image.workdir = (
                arguments if arguments.startswith("/") else f"{image.workdir}/{arguments}"
            )
            image.path(image.workdir).mkdir(parents=True, exist_ok=True)
        elif keyword in ("COPY", "ADD"):
            words = [w for w in shlex.split(arguments) if not w.startswith("--")]
            if words[:-1] != ["."]:
                raise SystemExit(f"{keyword} {arguments}: only the whole context is supported")
            context_copy(image.path(words[-1]))
            print(f"{keyword} {arguments}: the build context, minus .dockerignore")
        elif keyword == "RUN":
            run_step(image, arguments)
        else:
            print(f"{keyword} {arguments[:80]}: nothing to do without an engine")
    if image is None:
        raise SystemExit("no FROM in the Dockerfile")
    return image


def image_verify(image: Image) -> None:
    """What production needs from the build, and the CMD's application loading."""
    app = image.path(image.workdir)
    manifest = app / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        raise SystemExit(f"FAILED: no static files manifest at {manifest.relative_to(image.root)}")
    compiled = sorted(app.glob("**/locale/nl/LC_MESSAGES/django.mo"))
    if not compiled:
        raise SystemExit("FAILED: no compiled Dutch translations in the image")
    print(f"  static files manifest present; {len(compiled)} compiled Dutch catalogues")
    # The image at start: production settings with the secrets a deployment brings (made up here;
    # no database is reached by importing the application).
    from_ = "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
    fernet = subprocess.run(
        [str(image.root / "venv" / "bin" / "python"), "-c", from_],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    runtime = {
        **image.env,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": fernet,
        "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "baanbrekers.example.org",
        "SITE_URL": "https://baanbrekers.example.org",
        "DATABASE_URL": "postgresql://check@database.invalid/check",
    }
    result = subprocess.run(
        ["python", "-c", "import baanbrekers.wsgi; print('wsgi application loaded')"],
        cwd=app,
        env=runtime,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        print(result.stderr[-4000:], file=sys.stderr)
        raise SystemExit("FAILED: the CMD's WSGI application does not load")
    print(f"  {result.stdout.strip()} with production settings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dockerfile", nargs="?", default=str(PROJECT_DIR / "Dockerfile"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary image folder")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="dockerfile-steps-"))
    try:
        image = build(Path(args.dockerfile).resolve(), root)
        image_verify(image)
        for step in image.skipped:
            print(f"  left to the real build: {step}")
        print("Dockerfile build steps: OK")
        return 0
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
