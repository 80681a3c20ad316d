"""The files that ship for deployments beyond one machine cannot run here (no Docker, no
cluster): check what can be checked. The Dockerfile copies everything the app and the
build import and read, in an order that builds; the Kubernetes manifests parse and refer
to each other by the names and ports they define."""

import ast
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Dockerfile line, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def copied_sources() -> list[str]:
    return [s for op, args in dockerfile() if op == "COPY" for s in shlex.split(args)[:-1]]


def local_imports(paths) -> set[str]:
    """Top-level names imported by these files that are this repository's own modules."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if (ROOT / n).is_dir() or (ROOT / f"{n}.py").is_file()}


def test_every_copied_path_exists_and_is_not_docker_ignored():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for source in copied_sources():
        assert (ROOT / source).exists(), source
        assert source.rstrip("/") not in ignored, source


def test_the_image_holds_every_module_the_app_and_the_build_import():
    served = [ROOT / "app.py", *ROOT.glob("pages/*.py")]
    code = [*served, *ROOT.glob("dashboard/*.py"), *ROOT.glob("exposure/*.py")]
    code += list(ROOT.glob("etl/**/*.py"))
    copied = {s.rstrip("/") for s in copied_sources()}
    assert local_imports(code) <= copied, local_imports(code) - copied
    # Files the pages read at run time.
    assert {"data/raw/", "etl/"} <= set(copied_sources())


def test_the_warehouse_is_built_after_its_inputs_and_served_by_a_non_root_user():
    ops = dockerfile()
    build = next(i for i, (op, args) in enumerate(ops) if "-m etl build" in args)
    copies = [i for i, (op, args) in enumerate(ops) if op == "COPY"]
    assert ops[build][0] == "RUN" and build > max(copies)
    user = [args for op, args in ops if op == "USER"]
    assert len(user) == 1 and not user[0].startswith(("0", "root"))
    assert next(i for i, (op, _) in enumerate(ops) if op == "USER") > build
    cmd = next(args for op, args in ops if op == "CMD")
    health = next(args for op, args in ops if op == "HEALTHCHECK")
    port = next(args for op, args in ops if op == "EXPOSE")
    assert "app.py" in cmd and (ROOT / "app.py").is_file()
    assert f"--server.port={port}" in cmd and "--server.address=0.0.0.0" in cmd
    assert f"127.0.0.1:{port}/_stcore/health" in health


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict]:
    docs = [d for p in sorted(K8S.glob("*.yaml")) for d in yaml.safe_load_all(p.read_text())]
    by_kind = {d["kind"]: d for d in docs if d}
    assert len(by_kind) == len(docs), "one object of each kind"
    return by_kind


def quantity_bytes(q: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "KB": 1e3, "MB": 1e6, "GB": 1e9}
    for suffix, factor in units.items():
        if q.endswith(suffix):
            return float(q[: -len(suffix)]) * factor
    return float(q)


def test_deployment_probes_health_and_sets_the_replica_settings(manifests):
    dep = manifests["Deployment"]
    pod = dep["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    expose = next(args for op, args in dockerfile() if op == "EXPOSE")
    assert ports == {"http": int(expose)}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": "http"}
    assert dep["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    env = {e["name"]: e for e in container["env"]}
    secret = env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]
    deploying = (ROOT / "docs" / "deploying.md").read_text()
    assert f"kubectl create secret generic {secret['name']}" in deploying
    assert f"--from-literal={secret['key']}=" in deploying
    duckdb_memory = quantity_bytes(env["TRADE_DUCKDB_MEMORY_LIMIT"]["value"])
    assert duckdb_memory < quantity_bytes(container["resources"]["limits"]["memory"])
    assert env["TRADE_DUCKDB_THREADS"]["value"] == container["resources"]["requests"]["cpu"]
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True


def test_service_ingress_hpa_and_pdb_point_at_the_deployment(manifests):
    dep, svc = manifests["Deployment"], manifests["Service"]
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= pod_labels.items()
    assert svc["spec"]["ports"][0]["targetPort"] == "http"
    backend = manifests["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"] == {
        "name": svc["metadata"]["name"],
        "port": {"name": svc["spec"]["ports"][0]["name"]},
    }
    target = manifests["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", dep["metadata"]["name"])
    selector = manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()


def test_ingress_keeps_sessions_on_their_pod_and_websockets_open(manifests):
    notes = manifests["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "affinity-mode"] == "persistent"  # no rebalancing on scale-up
    assert notes[prefix + "session-cookie-change-on-failure"] == "true"
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(notes[prefix + timeout]) >= 3600


def test_hpa_scales_on_cpu_and_down_slowly(manifests):
    spec = manifests["HorizontalPodAutoscaler"]["spec"]
    assert spec["minReplicas"] >= 2
    assert [m["resource"]["name"] for m in spec["metrics"]] == ["cpu"]
    down = spec["behavior"]["scaleDown"]
    assert down["stabilizationWindowSeconds"] >= 600
    assert down["policies"] == [{"type": "Pods", "value": 1, "periodSeconds": 300}]
