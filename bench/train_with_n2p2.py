#!/usr/bin/env python3
"""Train n2p2 potentials with one symmetry-function (SF) set and report test errors: how the
trained-potential figures of the README and docs/select.md were measured. It runs an n2p2 you
built yourself (n2p2 is not a dependency of sfcompile and nothing of it is shipped here):
point --n2p2-bin at the folder holding nnp-scaling and nnp-train.

Usage:
  python bench/train_with_n2p2.py --sf SET.nn --data input.data[.gz] --header train-header.nn \
               --seeds 12345 777 --workdir DIR [--label NAME] [--json OUT.json]

For each seed: DIR/seed-<seed>/input.nn = header (random_seed replaced by the seed) + the
`symfunction_short` lines of SET.nn; input.data is linked to one decompressed copy in DIR;
then `nnp-scaling <bins>` and `nnp-train` run there (one process, OMP_NUM_THREADS=1, no MPI
launcher: the serial binaries initialise MPI as a singleton). Trainings run strictly one at a
time: every run holds an exclusive flock on a lock file (default $TMPDIR/sfcompile-n2p2.lock), so
several invocations of this script queue up instead of sharing the 2 cores.

learning-curve.out is parsed by its column names. Its *_pu columns are in "physical units",
i.e. the units of input.data (n2p2 only converts back when the header normalises the data with
mean_energy/conv_energy/conv_length; the _pu columns are physical either way). With data in eV
and Angstrom: energies per atom eV/atom -> x1000 meV/atom, forces eV/A -> x1000 meV/A. For
data in other units pass --energy-to-meV and --length-to-angstrom.

Output: DIR/seed-<seed>/result.json per seed, DIR/summary.json (or --json) for all seeds, and
a short table on stdout. A seed whose result.json exists for an identical input.nn and data is
not retrained (use --rerun to force).

n2p2 does not log the symmetry-function computation time on its own; as proxies this script
records the wall/CPU time of nnp-scaling (it computes every SF of every atom once, plus
histograms and function.data) and, from nnp-train's log, the time of epoch 0 (SFs and their
derivatives for all structures with memorize_symfunc_results, plus one error evaluation) and
of the neighbour lists.
"""

import argparse
import fcntl
import gzip
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

DEFAULT_BIN = os.environ.get("N2P2_BIN", "")
DEFAULT_LOCK = os.path.join(tempfile.gettempdir(), "sfcompile-n2p2.lock")


def sha256_file(path):
    h = hashlib.sha256()
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def prepare_data(data, workdir):
    """One uncompressed copy of the data in workdir; returns (path, sha256 of content)."""
    target = os.path.join(workdir, "input.data")
    stamp = target + ".sha256"
    src_sha = sha256_file(data)
    if os.path.exists(target) and os.path.exists(stamp):
        with open(stamp) as f:
            if f.read().strip() == src_sha:
                return target, src_sha
    opener = gzip.open if data.endswith(".gz") else open
    with opener(data, "rb") as fi, open(target + ".tmp", "wb") as fo:
        shutil.copyfileobj(fi, fo)
    os.replace(target + ".tmp", target)
    with open(stamp, "w") as f:
        f.write(src_sha + "\n")
    return target, src_sha


def read_sf_lines(path):
    lines = []
    with open(path) as f:
        for raw in f:
            s = raw.strip()
            if s.startswith("symfunction_short"):
                lines.append(s)
    if not lines:
        sys.exit(f"error: no symfunction_short lines in {path}")
    per_el = {}
    for s in lines:
        el = s.split()[1]
        per_el[el] = per_el.get(el, 0) + 1
    return lines, per_el


def build_input_nn(header_text, sf_lines, seed):
    out, seen_seed = [], False
    for line in header_text.splitlines():
        key = line.split("#", 1)[0].split()
        if key and key[0] == "symfunction_short":
            continue  # SFs come only from the SF file
        if key and key[0] == "random_seed":
            out.append(f"random_seed                     {seed}   # set by train_set.py")
            seen_seed = True
            continue
        out.append(line)
    if not seen_seed:
        out.append(f"random_seed                     {seed}   # set by train_set.py")
    out.append("")
    out.append(f"# {len(sf_lines)} symfunction_short lines appended by train_set.py")
    out.extend(sf_lines)
    return "\n".join(out) + "\n"


def header_keywords(text):
    kws = {}
    for line in text.splitlines():
        key = line.split("#", 1)[0].split()
        if key:
            kws.setdefault(key[0], key[1:])
    return kws


def run_timed(cmd, cwd, logpath, env, timeout):
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    with open(logpath, "w") as log:
        p = subprocess.run(
            cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=timeout
        )
    wall = time.time() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    if p.returncode != 0:
        with open(logpath) as f:
            tail = f.read()[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} failed (rc {p.returncode}) in {cwd}:\n{tail}")
    return wall, cpu


def parse_learning_curve(path):
    names, rows = {}, []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                m = re.match(r"#\s+(\d+)\s+(\S+)\s+(.*)$", line)
                if m and not m.group(2)[0].isdigit():
                    names[int(m.group(1)) - 1] = (m.group(2), m.group(3).strip())
                continue
            parts = line.split()
            if parts:
                rows.append([float(x) for x in parts])
    cols = {names[i][0]: i for i in names}
    return cols, {names[i][0]: names[i][1] for i in names}, rows


def parse_train_log(path):
    info = {}
    with open(path) as f:
        text = f.read()
    for key, pat in [
        ("n2p2_version_git", r"version\s+\(from git\):\s*(\S+)"),
        ("n2p2_version", r"\(version\.h\):\s*(\S+)"),
        ("n2p2_git_revision", r"Git revision\s*:\s*(\S+)"),
        ("compile_date", r"Compile date/time\s*:\s*(.+)"),
    ]:
        m = re.search(pat, text)
        if m:
            info[key] = m.group(1).strip()
    m = re.search(
        r'split of data set for property "energy":\s*\n- Total\s+patterns : (\d+)\s*\n'
        r"- Training patterns : (\d+)\s*\n- Test\s+patterns : (\d+)",
        text,
    )
    if m:
        info["n_structures"], info["n_train_structures"], info["n_test_structures"] = (
            int(m.group(1)),
            int(m.group(2)),
            int(m.group(3)),
        )
    m = re.search(
        r'split of data set for property "force":\s*\n- Total\s+patterns : (\d+)\s*\n'
        r"- Training patterns : (\d+)\s*\n- Test\s+patterns : (\d+)",
        text,
    )
    if m:
        info["n_force_components_train"], info["n_force_components_test"] = (
            int(m.group(2)),
            int(m.group(3)),
        )
    m = re.search(r"TIMING Finished setup: ([\d.]+)", text)
    if m:
        info["setup_s"] = float(m.group(1))
    m = re.search(r"TIMING Finished neighbor lists: ([\d.]+)", text)
    if m:
        info["neighbor_lists_s"] = float(m.group(1))
    ep = re.findall(
        r"^TIMING\s+(\d+)\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)", text, re.M
    )
    if ep:
        info["epoch_times_s"] = {int(e): float(t) for e, t, _ in ep}
        info["epoch0_s"] = info["epoch_times_s"].get(0)
    m = re.search(r"TIMING Training loop finished: ([\d.]+)", text)
    if m:
        info["training_loop_s"] = float(m.group(1))
    warned = {line.strip() for line in text.splitlines() if "WARNING" in line.upper()}
    info["warnings"] = sorted(warned)[:20]
    return info


def summarise(cols, rows, e_scale, f_scale, last_n=5):
    def col(name):
        if name not in cols:
            raise KeyError(f"learning-curve.out has no column {name}; has {sorted(cols)}")
        return cols[name]

    ie, ietr = col("RMSEpa_Etest_pu"), col("RMSEpa_Etrain_pu")
    ift, iftr = col("RMSE_Ftest_pu"), col("RMSE_Ftrain_pu")
    epochs = []
    for r in rows:
        epochs.append(
            {
                "epoch": int(r[0]),
                "E_train_meV_atom": r[ietr] * e_scale,
                "E_test_meV_atom": r[ie] * e_scale,
                "F_train_meV_A": r[iftr] * f_scale,
                "F_test_meV_A": r[ift] * f_scale,
            }
        )
    trained = [e for e in epochs if e["epoch"] >= 1] or epochs
    tail = trained[-last_n:]
    best = min(trained, key=lambda e: e["F_test_meV_A"])
    best_e = min(trained, key=lambda e: e["E_test_meV_atom"])
    last = trained[-1]
    return epochs, {
        "last_epoch": last["epoch"],
        "F_test_last": last["F_test_meV_A"],
        "E_test_last": last["E_test_meV_atom"],
        "F_test_median_last5": statistics.median(e["F_test_meV_A"] for e in tail),
        "E_test_median_last5": statistics.median(e["E_test_meV_atom"] for e in tail),
        "F_train_median_last5": statistics.median(e["F_train_meV_A"] for e in tail),
        "E_train_median_last5": statistics.median(e["E_train_meV_atom"] for e in tail),
        "last5_epochs": [e["epoch"] for e in tail],
        "best_epoch_F": best["epoch"],
        "F_test_best": best["F_test_meV_A"],
        "E_test_at_best_F": best["E_test_meV_atom"],
        "best_epoch_E": best_e["epoch"],
        "E_test_best": best_e["E_test_meV_atom"],
    }


def parse_scaling_log(path, input_nn_lines):
    """Constant SFs (min == max over the data set), from nnp-scaling's tables and warnings.

    With scale_symmetry_functions, n2p2 divides by (max - min): a constant SF makes every
    error NaN, so such a set cannot be trained as it is."""
    with open(path) as f:
        text = f.read()
    const = []
    for el, block in re.findall(
        r"Scaling data for symmetry functions element\s+(\S+)\s*:\n"
        r"-+\n[^\n]*\n-+\n(.*?)\n-+",
        text,
        re.S,
    ):
        for row in block.splitlines():
            parts = row.split()
            if len(parts) >= 5 and parts[0].isdigit() and float(parts[1]) == float(parts[2]):
                const.append({"element": el, "n2p2_index": int(parts[0]), "value": float(parts[1])})
    lines = [int(m) for m in re.findall(r"min equals max.*?\(line\s+(\d+)\)", text)]
    for c, ln in zip(const, lines):
        c["input_nn_line"] = ln
        if 0 < ln <= len(input_nn_lines):
            c["sf"] = input_nn_lines[ln - 1].strip()
    return const


CLEAN = ("function.data", "train-log.out")


def train_one(args, seed, header_text, sf_lines, data_path, data_sha, lockpath):
    sdir = os.path.join(args.workdir, f"seed-{seed}")
    os.makedirs(sdir, exist_ok=True)
    input_nn = build_input_nn(header_text, sf_lines, seed)
    key = hashlib.sha256((input_nn + data_sha + str(args.scaling_bins)).encode()).hexdigest()
    res_path = os.path.join(sdir, "result.json")
    if os.path.exists(res_path) and not args.rerun:
        with open(res_path) as f:
            old = json.load(f)
        if old.get("run_key") == key:
            print(f"[seed {seed}] reusing {res_path}", file=sys.stderr)
            return old
    # fresh directory content
    for name in os.listdir(sdir):
        p = os.path.join(sdir, name)
        if os.path.isfile(p) or os.path.islink(p):
            os.remove(p)
    with open(os.path.join(sdir, "input.nn"), "w") as f:
        f.write(input_nn)
    os.symlink(os.path.abspath(data_path), os.path.join(sdir, "input.data"))
    env = dict(os.environ, OMP_NUM_THREADS="1")
    b = args.n2p2_bin
    with open(lockpath, "a+") as lk:
        t_wait = time.time()
        fcntl.flock(lk, fcntl.LOCK_EX)
        waited = time.time() - t_wait
        print(f"[seed {seed}] nnp-scaling ... ({sdir})", file=sys.stderr, flush=True)
        sc_wall, sc_cpu = run_timed(
            [os.path.join(b, "nnp-scaling"), str(args.scaling_bins)],
            sdir,
            os.path.join(sdir, "scaling.log"),
            env,
            args.timeout,
        )
        constant = parse_scaling_log(os.path.join(sdir, "scaling.log"), input_nn.splitlines())
        if constant and not args.allow_constant:
            fcntl.flock(lk, fcntl.LOCK_UN)
            msg = "; ".join(c.get("sf", f"{c['element']} SF {c['n2p2_index']}") for c in constant)
            raise RuntimeError(
                f"{len(constant)} symmetry function(s) constant on this data "
                f"(n2p2 training would give NaN): {msg}. Remove them, or pass "
                f"--allow-constant to train anyway."
            )
        print(f"[seed {seed}] nnp-train ...", file=sys.stderr, flush=True)
        tr_wall, tr_cpu = run_timed(
            [os.path.join(b, "nnp-train")], sdir, os.path.join(sdir, "train.log"), env, args.timeout
        )
        fcntl.flock(lk, fcntl.LOCK_UN)
    cols, desc, rows = parse_learning_curve(os.path.join(sdir, "learning-curve.out"))
    epochs, summ = summarise(
        cols, rows, args.energy_to_meV, args.energy_to_meV / args.length_to_angstrom
    )
    loginfo = parse_train_log(os.path.join(sdir, "train.log"))
    if not args.keep_large:
        for name in os.listdir(sdir):
            if name in CLEAN or re.match(r"sf\.\d+\.\d+\.histo$", name):
                os.remove(os.path.join(sdir, name))
    result = {
        "seed": seed,
        "workdir": sdir,
        "run_key": key,
        "summary": summ,
        "epochs": epochs,
        "time": {
            "scaling_wall_s": sc_wall,
            "scaling_cpu_s": sc_cpu,
            "train_wall_s": tr_wall,
            "train_cpu_s": tr_cpu,
            "total_wall_s": sc_wall + tr_wall,
            "waited_for_lock_s": waited,
            "sf_time_proxy": {
                "note": "n2p2 logs no SF computation time; proxies: nnp-scaling wall "
                "(all SFs once + histograms), nnp-train epoch 0 (SFs and "
                "derivatives memorised + one error evaluation)",
                "nnp_scaling_wall_s": sc_wall,
                "train_epoch0_s": loginfo.get("epoch0_s"),
                "train_neighbor_lists_s": loginfo.get("neighbor_lists_s"),
            },
        },
        "n2p2": loginfo,
        "constant_sfs": constant,
        "nan_in_learning_curve": any(v != v for e in epochs for v in e.values()),
        "learning_curve_columns_used": {
            k: desc.get(k) for k in ("RMSEpa_Etest_pu", "RMSE_Ftest_pu")
        },
    }
    with open(res_path, "w") as f:
        json.dump(result, f, indent=1)
    return result


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__[__doc__.index("Usage") :],
    )
    ap.add_argument("--sf", required=True, help="file with symfunction_short lines")
    ap.add_argument("--data", required=True, help="n2p2 input.data (may be .gz)")
    ap.add_argument("--header", required=True, help="n2p2 training keywords (input.nn w/o SFs)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[12345])
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--label", default=None, help="name of the set in the summary")
    ap.add_argument("--json", default=None, help="summary path (default WORKDIR/summary.json)")
    ap.add_argument(
        "--n2p2-bin",
        default=DEFAULT_BIN,
        required=not DEFAULT_BIN,
        help="the folder of nnp-scaling and nnp-train (default: $N2P2_BIN)",
    )
    ap.add_argument("--scaling-bins", type=int, default=500)
    ap.add_argument(
        "--energy-to-meV",
        type=float,
        default=1000.0,
        help="factor from the data's energy unit to meV (eV: 1000)",
    )
    ap.add_argument(
        "--length-to-angstrom",
        type=float,
        default=1.0,
        help="factor from the data's length unit to Angstrom (A: 1)",
    )
    ap.add_argument("--lock", default=DEFAULT_LOCK)
    ap.add_argument("--timeout", type=float, default=6 * 3600)
    ap.add_argument(
        "--keep-large", action="store_true", help="keep function.data, train-log.out and sf.*.histo"
    )
    ap.add_argument("--rerun", action="store_true")
    ap.add_argument(
        "--allow-constant",
        action="store_true",
        help="train even if nnp-scaling finds SFs constant on the data (n2p2 "
        "then gives NaN errors when scaling SFs)",
    )
    args = ap.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.lock)), exist_ok=True)
    for exe in ("nnp-scaling", "nnp-train"):
        if not os.access(os.path.join(args.n2p2_bin, exe), os.X_OK):
            sys.exit(f"error: {exe} not found in {args.n2p2_bin}")
    with open(args.header) as f:
        header_text = f.read()
    kws = header_keywords(header_text)
    sf_lines, per_el = read_sf_lines(args.sf)
    data_path, data_sha = prepare_data(args.data, args.workdir)
    normalised = any(k in kws for k in ("mean_energy", "conv_energy", "conv_length"))

    results = []
    for seed in args.seeds:
        try:
            results.append(
                train_one(args, seed, header_text, sf_lines, data_path, data_sha, args.lock)
            )
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            sys.exit(f"error (seed {seed}): {exc}")

    agg = {}
    for k in (
        "F_test_median_last5",
        "E_test_median_last5",
        "F_test_best",
        "F_test_last",
        "E_test_last",
    ):
        vals = [r["summary"][k] for r in results]
        agg[k] = {
            "mean": statistics.mean(vals),
            "median": statistics.median(vals),
            "min": min(vals),
            "max": max(vals),
        }
    summary = {
        "label": args.label or os.path.splitext(os.path.basename(args.sf))[0],
        "sf_file": os.path.abspath(args.sf),
        "sf_per_element": per_el,
        "data": os.path.abspath(args.data),
        "data_sha256_uncompressed": data_sha,
        "header": os.path.abspath(args.header),
        "header_sha256": hashlib.sha256(header_text.encode()).hexdigest(),
        "units": {
            "energy": "meV/atom (RMSE per atom)",
            "force": "meV/Angstrom (RMSE of components)",
            "source_columns": "RMSEpa_E*_pu, RMSE_F*_pu (physical units = units of input.data)",
            "header_normalises_data": normalised,
            "energy_to_meV": args.energy_to_meV,
            "length_to_angstrom": args.length_to_angstrom,
        },
        "seeds": args.seeds,
        "aggregate_over_seeds": agg,
        "per_seed": [
            {k: r[k] for k in ("seed", "workdir", "summary", "time")}
            | {
                "n_train_structures": r["n2p2"].get("n_train_structures"),
                "n_test_structures": r["n2p2"].get("n_test_structures"),
                "n2p2_version": r["n2p2"].get("n2p2_version_git"),
                "nan_in_learning_curve": r.get("nan_in_learning_curve"),
                "constant_sfs": r.get("constant_sfs"),
            }
            for r in results
        ],
        "full_results": [os.path.join(r["workdir"], "result.json") for r in results],
    }
    out = args.json or os.path.join(args.workdir, "summary.json")
    with open(out, "w") as f:
        json.dump(summary, f, indent=1)

    print(f"set {summary['label']}: {per_el} SFs/element; data {args.data}")
    print(
        f"{'seed':>7} {'train/test':>10} {'F med5':>8} {'E med5':>8} {'F best':>8} "
        f"{'@ep':>4} {'F last':>8} {'E last':>8} {'scal s':>7} {'train s':>8} {'ep0 s':>6}"
    )
    for r in results:
        s, t, n = r["summary"], r["time"], r["n2p2"]
        tt = f"{n.get('n_train_structures', '?')}/{n.get('n_test_structures', '?')}"
        print(
            f"{r['seed']:>7} {tt:>10} {s['F_test_median_last5']:8.2f} "
            f"{s['E_test_median_last5']:8.3f} {s['F_test_best']:8.2f} {s['best_epoch_F']:>4} "
            f"{s['F_test_last']:8.2f} {s['E_test_last']:8.3f} {t['scaling_wall_s']:7.1f} "
            f"{t['train_wall_s']:8.1f} {(n.get('epoch0_s') or float('nan')):6.2f}"
        )
    print(
        "F in meV/A (test RMSE), E in meV/atom (test RMSE per atom); med5 = median of the "
        "last five epochs"
    )
    for r in results:
        if r.get("nan_in_learning_curve"):
            print(f"WARNING seed {r['seed']}: NaN in learning-curve.out")
    print(f"summary: {out}")


if __name__ == "__main__":
    main()
