"""Render every Kustomize target under deploy/kubernetes, validate it and hold it to our policy.

    python scripts/k8s_check.py [--renderer kubectl|python] [--kubernetes-version 1.32.0]
                                [--root deploy/kubernetes]                     # make k8s-check

1. Render: `kubectl kustomize DIR` where kubectl is installed; else (or with --renderer python)
   the small renderer below, which knows exactly the Kustomize features these manifests use
   (resources, components, namespace, images, replicas, strategic-merge patches by kind and
   name, configMap- and secretGenerator with envs/literals and behavior merge, with kustomize's
   own name hash). tests/deploy/test_k8s_check.py keeps both renderers in agreement.
2. Validate every rendered document against the Kubernetes schemas of one fixed version
   (kubernetes-validate, strict: an unknown field fails).
3. Policy (the project's rules, below in ``policy_problems``): limits and requests on every
   container; non-root with the image's user id, read-only root file system, no privilege
   escalation, all capabilities dropped, seccomp RuntimeDefault; probes on web and worker;
   exactly one beat, Recreate, on the locked scheduler; the web probes' Host is allowed; one
   image for every container; an autoscaled Deployment's replicas equal the autoscaler's
   minimum. In production besides: no PostgreSQL or Redis workload, no Secret with values in
   the manifests, a pinned image, and every variable of the README's configuration tables in
   every container's environment (but those of README_VARIABLES_NOT_DEPLOYED, and those of
   README_VARIABLES_ONLY_FOR only in the containers named there).

Exit status 0 when every target renders, validates and keeps the policy; 1 otherwise, with
every problem printed.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
ROOT = PROJECT_DIR / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.32.0"
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "IngressClass",
    "PriorityClass",
}
# Variables of the README's tables that no deployment sets, with the reason.
README_VARIABLES_NOT_DEPLOYED = {
    "DEMO_PASSWORD": "demo users exist only under `make run`",
}
# Variables only some containers get (by container name), with the reason; all others get all.
README_VARIABLES_ONLY_FOR = {
    "METRICS_TOKEN": ({"web"}, "only the web pods serve /metrics"),
    "PROMETHEUS_MULTIPROC_DIR": ({"web"}, "gunicorn's workers share counters; gunicorn empties it"),
}
BUNDLED_SERVICES = re.compile(r"(^|/)(postgres|postgresql|postgis|redis|valkey|mysql|mariadb)[:@]?")


# -- rendering ---------------------------------------------------------------------------------
def kustomize_targets(root: Path = ROOT) -> list[Path]:
    """Every directory whose kustomization is a Kustomization (components are not targets)."""
    targets = []
    for file in sorted(root.rglob("kustomization.yaml")):
        if yaml.safe_load(file.read_text()).get("kind", "Kustomization") == "Kustomization":
            targets.append(file.parent)
    return targets


def render_kubectl(target: Path) -> list[dict]:
    result = subprocess.run(
        ["kubectl", "kustomize", str(target)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RenderError(result.stderr.strip() or f"kubectl kustomize {target} failed")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


class RenderError(Exception):
    pass


MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "ports": "containerPort",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
}


def strategic_merge(base, patch, key: str | None = None):
    """Kubernetes' strategic merge, as far as these manifests need it."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for name, value in patch.items():
            if value is None:
                merged.pop(name, None)
            elif name in merged:
                merged[name] = strategic_merge(merged[name], value, name)
            else:
                merged[name] = copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and key in MERGE_KEYS:
        field = MERGE_KEYS[key]
        merged = [copy.deepcopy(item) for item in base]
        for item in patch:
            for index, existing in enumerate(merged):
                if existing.get(field) == item.get(field):
                    merged[index] = strategic_merge(existing, item)
                    break
            else:
                merged.append(copy.deepcopy(item))
        return merged
    return copy.deepcopy(patch)


def env_file_read(path: Path) -> dict[str, str]:
    data = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise RenderError(f"{path}: not NAME=value: {line!r}")
        data[name.strip()] = value
    return data


def _secret_value(value: str) -> str:
    """Base64 as kustomize writes it: lines of 70 characters, each ended, once longer than one
    (Kubernetes' decoder skips the line ends; kustomize's hash counts them)."""
    encoded = base64.b64encode(value.encode()).decode()
    if len(encoded) <= 70:
        return encoded
    return "".join(encoded[i : i + 70] + "\n" for i in range(0, len(encoded), 70))


def kustomize_hash(generated: dict) -> str:
    """kustomize's name suffix: sha256 of Go's JSON of kind, name, (type) and data, ten
    characters. (kubectl's kustomize v5 hashes with an empty name: so does this.)"""
    fields = {"data": generated.get("data", {}), "kind": generated["kind"], "name": ""}
    if generated["kind"] == "Secret":
        fields["type"] = generated.get("type", "Opaque")
    encoded = json.dumps(
        fields,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        encoded = encoded.replace(char, escape)
    digest = hashlib.sha256(encoded.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def pod_spec(doc: dict) -> dict | None:
    spec = doc.get("spec") or {}
    if doc.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    if doc.get("kind") in WORKLOAD_KINDS:
        return (spec.get("template") or {}).get("spec")
    return None


def containers_of(doc: dict) -> list[dict]:
    spec = pod_spec(doc) or {}
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def _kustomization(directory: Path) -> dict:
    file = directory / "kustomization.yaml"
    if not file.exists():
        raise RenderError(f"no kustomization.yaml in {directory}")
    return yaml.safe_load(file.read_text()) or {}


def _build(directory: Path, resources: list[dict]) -> list[dict]:
    k = _kustomization(directory)
    known = {
        "apiVersion",
        "kind",
        "resources",
        "components",
        "namespace",
        "images",
        "replicas",
        "patches",
        "configMapGenerator",
        "secretGenerator",
    }
    unknown = set(k) - known
    if unknown:
        raise RenderError(f"{directory}: the Python renderer does not know {sorted(unknown)}")
    for entry in k.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            resources.extend(_build(path, []))
        else:
            resources.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    for entry in k.get("components", []):
        resources = _build((directory / entry).resolve(), resources)
    generators = [("ConfigMap", g) for g in k.get("configMapGenerator", [])]
    generators += [("Secret", g) for g in k.get("secretGenerator", [])]
    for kind, generator in generators:
        data: dict[str, str] = {}
        for env in generator.get("envs", []):
            data.update(env_file_read(directory / env))
        for literal in generator.get("literals", []):
            name, _, value = literal.partition("=")
            data[name] = value
        if kind == "Secret":
            data = {name: _secret_value(value) for name, value in data.items()}
        behavior = generator.get("behavior", "create")
        existing = [
            doc
            for doc in resources
            if doc["kind"] == kind and doc.get("_generated") == generator["name"]
        ]
        if behavior == "create":
            if existing:
                raise RenderError(f"{directory}: {kind} {generator['name']} exists already")
            made = {"apiVersion": "v1", "kind": kind, "metadata": {"name": generator["name"]}}
            if kind == "Secret":
                made["type"] = generator.get("type", "Opaque")
            resources.append({**made, "data": data, "_generated": generator["name"]})
        elif len(existing) != 1:
            raise RenderError(f"{directory}: no {kind} {generator['name']} to {behavior}")
        elif behavior == "merge":
            existing[0]["data"] = {**existing[0].get("data", {}), **data}
        else:
            existing[0]["data"] = data
    if "namespace" in k:
        for doc in resources:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = k["namespace"]
    for image in k.get("images", []):
        for doc in resources:
            for container in containers_of(doc):
                name = re.split(r"[:@]", container["image"])[0]
                if name == image["name"]:
                    new = image.get("newName", name)
                    if "digest" in image:
                        container["image"] = f"{new}@{image['digest']}"
                    else:
                        container["image"] = f"{new}:{image['newTag']}"
    for replica in k.get("replicas", []):
        for doc in resources:
            if doc["kind"] in {"Deployment", "StatefulSet", "ReplicaSet"} and (
                doc["metadata"]["name"] == replica["name"]
            ):
                doc["spec"]["replicas"] = replica["count"]
    for entry in k.get("patches", []):
        if set(entry) != {"path"}:
            raise RenderError(f"{directory}: the Python renderer knows only patches by path")
        patch = yaml.safe_load((directory / entry["path"]).read_text())
        targets = [
            index
            for index, doc in enumerate(resources)
            if doc["kind"] == patch["kind"] and doc["metadata"]["name"] == patch["metadata"]["name"]
        ]
        if len(targets) != 1:
            raise RenderError(
                f"{directory}: patch {entry['path']} matches {len(targets)} resources"
            )
        resources[targets[0]] = strategic_merge(resources[targets[0]], patch)
    return resources


def render_python(target: Path) -> list[dict]:
    """The targets' Kustomize subset in Python (for a machine without kubectl)."""
    resources = _build(target.resolve(), [])
    renamed: dict[tuple[str, str], str] = {}
    for doc in resources:
        original = doc.pop("_generated", None)
        if original:
            doc["metadata"]["name"] = f"{original}-{kustomize_hash(doc)}"
            renamed[(doc["kind"], original)] = doc["metadata"]["name"]
    references = {
        "configMapRef": ("ConfigMap", "name"),
        "configMapKeyRef": ("ConfigMap", "name"),
        "configMap": ("ConfigMap", "name"),
        "secretRef": ("Secret", "name"),
        "secretKeyRef": ("Secret", "name"),
        "secret": ("Secret", "secretName"),
    }

    def rename(node):
        if isinstance(node, dict):
            for key, (kind, field) in references.items():
                ref = node.get(key)
                if isinstance(ref, dict) and (kind, ref.get(field)) in renamed:
                    ref[field] = renamed[(kind, ref[field])]
            for value in node.values():
                rename(value)
        elif isinstance(node, list):
            for value in node:
                rename(value)

    for doc in resources:
        rename(doc)
    return resources


def render(target: Path, renderer: str = "auto") -> list[dict]:
    if renderer == "kubectl" or (renderer == "auto" and shutil.which("kubectl")):
        return render_kubectl(target)
    return render_python(target)


# -- validation --------------------------------------------------------------------------------
def schema_problems(docs: list[dict], version: str = KUBERNETES_VERSION) -> list[str]:
    import kubernetes_validate

    problems = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = "/".join(str(part) for part in exc.path)
            problems.append(f"{ident(doc)}: schema {version}: {where}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{ident(doc)}: no schema for it in Kubernetes {version}")
    return problems


# -- policy ------------------------------------------------------------------------------------
def ident(doc: dict) -> str:
    return f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"


def image_uid(dockerfile: Path = PROJECT_DIR / "Dockerfile") -> int | None:
    """The numeric USER of the Dockerfile's last stage (the pods must run as it)."""
    users = re.findall(r"^USER\s+(\S+)", dockerfile.read_text(), re.MULTILINE)
    return int(users[-1].split(":")[0]) if users and users[-1].split(":")[0].isdigit() else None


def readme_variables(readme: Path = PROJECT_DIR / "README.md") -> list[str]:
    """Every variable in the tables of the README's "Configuration" section (its subsections
    included), in order."""
    text = readme.read_text()
    match = re.search(r"^## Configuration\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    if not match:
        raise ValueError("README.md has no '## Configuration' section")
    names: list[str] = []
    for line in match.group(1).splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        first = line.split("|")[1]
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", first):
            if name not in names:
                names.append(name)
    return names


def container_variables(container: dict, docs: list[dict]) -> set[str]:
    """The names a container's environment gets: env entries and the keys of the ConfigMaps
    (rendered alongside) and Secrets that envFrom names."""
    names = {entry["name"] for entry in container.get("env", [])}
    by_name = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    for source in container.get("envFrom", []):
        prefix = source.get("prefix", "")
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            if key in source:
                found = by_name.get((kind, source[key]["name"]))
                if found:
                    keys = {**found.get("data", {}), **found.get("stringData", {})}
                    names |= {prefix + name for name in keys}
    return names


def _merged(pod: dict, container: dict, field: str):
    value = (container.get("securityContext") or {}).get(field)
    return value if value is not None else (pod.get("securityContext") or {}).get(field)


def _probe_hosts(container: dict) -> list[str]:
    hosts = []
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = (container.get(probe) or {}).get("httpGet")
        if get:
            headers = {h["name"].lower(): h["value"] for h in get.get("httpHeaders", [])}
            hosts.append(headers.get("host", "<the pod's IP>"))
    return hosts


def policy_problems(docs: list[dict], *, production: bool, app: bool = True) -> list[str]:
    """The project's rules for a rendered target; ``app`` when it holds the application (web,
    worker, beat) rather than only the migration Job."""
    problems: list[str] = []
    uid = image_uid()
    if uid is None:
        problems.append("Dockerfile: USER is not a numeric user id (runAsNonRoot needs one)")
    workloads = [doc for doc in docs if doc["kind"] in WORKLOAD_KINDS]
    images = set()
    config = {}
    for doc in docs:
        if doc["kind"] == "ConfigMap":
            config.update(doc.get("data", {}))
    allowed_hosts = {host.strip() for host in config.get("ALLOWED_HOSTS", "").split(",") if host}

    for doc in workloads:
        pod = pod_spec(doc) or {}
        for container in containers_of(doc):
            where = f"{ident(doc)} container {container['name']}"
            images.add(container["image"])
            if production and BUNDLED_SERVICES.search(container["image"]):
                problems.append(
                    f"{where}: runs {container['image']}; production uses external ones"
                )
            resources = container.get("resources") or {}
            for kind in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in (resources.get(kind) or {}):
                        problems.append(f"{where}: no {resource} in resources.{kind}")
            security = container.get("securityContext") or {}
            if _merged(pod, container, "runAsNonRoot") is not True:
                problems.append(f"{where}: runAsNonRoot is not true")
            if uid is not None and _merged(pod, container, "runAsUser") != uid:
                problems.append(f"{where}: runAsUser is not the image's user {uid}")
            if security.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem is not true")
            if security.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if "ALL" not in ((security.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{where}: capabilities do not drop ALL")
            seccomp = _merged(pod, container, "seccompProfile") or {}
            if seccomp.get("type") != "RuntimeDefault":
                problems.append(f"{where}: seccompProfile is not RuntimeDefault")
            for host in _probe_hosts(container):
                if host not in allowed_hosts:
                    problems.append(f"{where}: probes ask for host {host!r}, not in ALLOWED_HOSTS")
            if production:
                image = container["image"]
                if "@" not in image and (
                    ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest")
                ):
                    problems.append(f"{where}: image {image} is not pinned to a release")
                missing = [
                    name
                    for name in readme_variables()
                    if name not in README_VARIABLES_NOT_DEPLOYED
                    and container["name"]
                    in README_VARIABLES_ONLY_FOR.get(name, ({container["name"]},))[0]
                    and name not in container_variables(container, docs)
                ]
                if missing:
                    problems.append(f"{where}: README settings missing: {', '.join(missing)}")
    if len(images) > 1:
        problems.append(f"more than one image: {sorted(images)} (web, worker and beat share one)")

    def component(name: str) -> list[dict]:
        return [
            doc
            for doc in workloads
            if (doc["metadata"].get("labels") or {}).get("app.kubernetes.io/component") == name
        ]

    if app:
        for name, probes in (
            ("web", ("livenessProbe", "readinessProbe")),
            ("worker", ("livenessProbe",)),
        ):
            found = component(name)
            if not found:
                problems.append(f"no {name} workload")
            for doc in found:
                for container in doc["spec"]["template"]["spec"]["containers"]:
                    for probe in probes:
                        if probe not in container:
                            problems.append(f"{ident(doc)}: {container['name']} has no {probe}")
        beats = component("beat")
        if len(beats) != 1:
            problems.append(f"{len(beats)} beat workloads; there must be exactly one")
        for doc in beats:
            if doc["kind"] != "Deployment" or doc["spec"].get("replicas") != 1:
                problems.append(f"{ident(doc)}: a beat must be a Deployment of replicas 1")
            if (doc["spec"].get("strategy") or {}).get("type") != "Recreate":
                problems.append(f"{ident(doc)}: a beat's strategy must be Recreate")
            for container in doc["spec"]["template"]["spec"]["containers"]:
                words = [*container.get("command", []), *container.get("args", [])]
                if any(w in ("-S", "--scheduler") or w.startswith("--scheduler=") for w in words):
                    problems.append(
                        f"{ident(doc)}: the beat names a scheduler; it must use the locked one "
                        "of settings.CELERY_BEAT_SCHEDULER"
                    )
        for doc in docs:
            if doc["kind"] == "HorizontalPodAutoscaler":
                target = doc["spec"]["scaleTargetRef"]["name"]
                if target in {beat["metadata"]["name"] for beat in beats}:
                    problems.append(f"{ident(doc)}: scales the beat")
                scaled = [w for w in workloads if w["metadata"]["name"] == target]
                if not scaled:
                    problems.append(f"{ident(doc)}: scales {target}, which is not rendered")
                for workload in scaled:
                    replicas = workload["spec"].get("replicas")
                    if replicas is not None and replicas != doc["spec"].get("minReplicas", 1):
                        problems.append(
                            f"{ident(workload)}: replicas {replicas} is not the autoscaler's "
                            f"minimum {doc['spec'].get('minReplicas', 1)} (an apply would undo "
                            "its scaling)"
                        )
        problems += network_policy_problems(docs, workloads)
    if production:
        for doc in docs:
            if doc["kind"] == "Secret":
                problems.append(f"{ident(doc)}: a Secret with values in the production manifests")
            if doc["kind"] == "StatefulSet":
                problems.append(f"{ident(doc)}: a stateful workload in production")
    return problems


def _selects(selector: dict, labels: dict) -> bool:
    """A NetworkPolicy's podSelector (matchLabels only: the one form these manifests use)."""
    if set(selector) - {"matchLabels"}:
        return False
    return all(
        labels.get(key) == value for key, value in (selector.get("matchLabels") or {}).items()
    )


def network_policy_problems(docs: list[dict], workloads: list[dict]) -> list[str]:
    """Every long-running pod is under a NetworkPolicy that limits who may connect to it, and no
    rule lets everyone in (gunicorn trusts X-Forwarded-* from its peers: only the ingress
    controller may be one)."""
    problems = []
    policies = [
        doc
        for doc in docs
        if doc["kind"] == "NetworkPolicy" and "Ingress" in (doc["spec"].get("policyTypes") or [])
    ]
    for policy in policies:
        for rule in policy["spec"].get("ingress") or []:
            sources = rule.get("from")
            if not sources or any(source == {} for source in sources):
                problems.append(f"{ident(policy)}: an ingress rule admits every source")
    for doc in workloads:
        if doc["kind"] == "Job":
            continue
        labels = ((doc["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
        if not any(
            _selects(policy["spec"].get("podSelector") or {}, labels) for policy in policies
        ):
            problems.append(f"{ident(doc)}: no NetworkPolicy limits who may connect to its pods")
    return problems


def check(
    root: Path = ROOT,
    renderer: str = "auto",
    version: str = KUBERNETES_VERSION,
    only: list[str] | None = None,
) -> int:
    """Every target under ``root`` (or the ``only`` ones, relative to it); 0 when all is well."""
    status = 0
    targets = kustomize_targets(root)
    if only is not None:
        targets = [target for target in targets if target.relative_to(root).as_posix() in only]
    if not targets:
        print(f"no Kustomize targets under {root}")
        return 1
    for target in targets:
        relative = target.relative_to(root).as_posix()
        production = relative.startswith("overlays/production")
        try:
            docs = render(target, renderer)
        except (RenderError, OSError, yaml.YAMLError) as exc:
            print(f"FAILED {relative}: does not render: {exc}")
            status = 1
            continue
        has_app = any(doc["kind"] in WORKLOAD_KINDS and doc["kind"] != "Job" for doc in docs)
        problems = schema_problems(docs, version)
        if any(doc["kind"] in WORKLOAD_KINDS for doc in docs):
            problems += policy_problems(docs, production=production, app=has_app)
        if problems:
            status = 1
            print(f"FAILED {relative}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"ok {relative}: {len(docs)} documents valid for Kubernetes {version}")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--renderer", choices=["auto", "kubectl", "python"], default="auto")
    parser.add_argument("--kubernetes-version", default=KUBERNETES_VERSION)
    args = parser.parse_args(argv)
    renderer = args.renderer
    if renderer == "auto":
        renderer = "kubectl" if shutil.which("kubectl") else "python"
        print(f"rendering with {'kubectl kustomize' if renderer == 'kubectl' else 'Python'}")
    return check(args.root.resolve(), renderer, args.kubernetes_version)


if __name__ == "__main__":
    sys.exit(main())
