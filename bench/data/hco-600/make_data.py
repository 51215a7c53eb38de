#!/usr/bin/env python3
"""Generate the second sfcompile test data set: small H/C/O molecules and molecular clusters
with GFN2-xTB energies and forces (tblite), written as gzipped n2p2 input.data.

Run (see README.md in this folder for the environment):
    OMP_NUM_THREADS=1 python make_data.py [--out data.data.gz] [--seed 20240607]

Recipe, all driven by one integer seed:
 * 20 systems: 7 molecules (water, methanol, ethanol, formic acid, acetic acid, dimethyl
   ether, ethylene glycol) and 13 hydrogen-bonded clusters of them. Molecules come from ASE's
   g2 collection (ethylene glycol is built from ethanol by replacing a methyl H with OH);
   clusters are assembled by placing the molecules one by one in random orientations at a
   random direction, 2.0 A from the atoms already placed (closest contact). Every system is
   relaxed with GFN2-xTB (ASE BFGS, fmax 0.01 eV/A, at most 500 steps).
 * Per system: Langevin MD (ASE, 0.5 fs, friction 0.01/fs, centre of mass fixed by FixCom) from the
   relaxed geometry with Maxwell-Boltzmann momenta (thermalize_momenta, then
   zero total momentum and angular momentum) at T = 300, 600, 900 and 1200 K;
   100 steps of equilibration, then 6 snapshots 40 steps (20 fs) apart per temperature
   (24 snapshots per system); plus random rattles of the relaxed geometry (independent
   Gaussian displacements of every Cartesian coordinate, sigma cycling through 0.01, 0.02,
   0.03, 0.04, 0.05 A): 6 per system; 30 structures per system, 600 in all.
 * Every stored structure is recomputed from scratch (fresh calculator, no wavefunction reuse)
   so its energy and forces do not depend on the MD history.
 * Checks: no interatomic distance below 0.6 A, finite energies and forces (a structure
   failing a check, or whose SCF fails, is replaced by the next MD/rattle draw).
 * Non-periodic (no lattice lines), positions in A, energies in eV (GFN2-xTB total energy,
   no reference subtracted), forces in eV/A.
The free-atom GFN2-xTB energies (H doublet, C and O triplet) are written to
atom_energies.json for the training header's atom_energy lines, and statistics to stats.json.
"""

import argparse
import gzip
import io
import json
import os
import sys
import time

import numpy as np
from ase import Atoms, units
from ase.build import molecule
from ase.constraints import FixCom
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import Stationary, ZeroRotation, thermalize_momenta
from ase.optimize import BFGS
from scipy.spatial.transform import Rotation
from tblite.ase import TBLite

METHOD = "GFN2-xTB"
CALC_KW = dict(
    method=METHOD, accuracy=1.0, electronic_temperature=300.0, max_iterations=250, verbosity=0
)
TEMPS = [300.0, 600.0, 900.0, 1200.0]
DT_FS, FRICTION_PER_FS = 0.5, 0.01
EQUIL_STEPS, SNAP_EVERY, SNAPS_PER_T = 100, 40, 6
RATTLE_SIGMAS = [0.01, 0.02, 0.03, 0.04, 0.05]
N_TOTAL = 600
MIN_DIST = 0.6


def calc(cache=True):
    return TBLite(cache_api=cache, **CALC_KW)


def ethylene_glycol():
    """HOCH2CH2OH from ethanol: replace one methyl H by O (1.42 A from C) and add its H."""
    a = molecule("CH3CH2OH")
    sym = a.get_chemical_symbols()
    pos = a.get_positions()
    c_idx = [i for i, s in enumerate(sym) if s == "C"]
    o_idx = next(i for i, s in enumerate(sym) if s == "O")
    # methyl carbon = carbon farther from O
    cm = max(c_idx, key=lambda i: np.linalg.norm(pos[i] - pos[o_idx]))
    cc = next(i for i in c_idx if i != cm)
    hs = [i for i, s in enumerate(sym) if s == "H" and np.linalg.norm(pos[i] - pos[cm]) < 1.2]
    # the methyl H anti to the C-O bond (largest distance from O)
    h = max(hs, key=lambda i: np.linalg.norm(pos[i] - pos[o_idx]))
    d = pos[h] - pos[cm]
    d /= np.linalg.norm(d)
    o_new = pos[cm] + 1.42 * d
    # new hydroxyl H: 0.97 A from O, roughly tetrahedral, away from the C-C bond
    perp = np.cross(d, pos[cc] - pos[cm])
    perp /= np.linalg.norm(perp)
    h_new = o_new + 0.97 * (0.33 * d + 0.94 * perp)
    sym[h] = "O"
    pos[h] = o_new
    return Atoms(sym + ["H"], positions=np.vstack([pos, h_new]))


def monomer(name):
    if name == "HOCH2CH2OH":
        return ethylene_glycol()
    return molecule(name)


def build_cluster(names, rng, contact=2.0):
    atoms = None
    for name in names:
        m = monomer(name)
        m.positions -= m.get_center_of_mass()
        m.positions = Rotation.random(random_state=rng.integers(2**31)).apply(m.positions)
        if atoms is None:
            atoms = m
            continue
        com = atoms.get_center_of_mass()
        u = rng.normal(size=3)
        u /= np.linalg.norm(u)
        for r in np.arange(0.0, 30.0, 0.05):
            trial = m.positions + com + r * u
            dmin = np.min(np.linalg.norm(trial[:, None, :] - atoms.positions[None], axis=-1))
            if dmin >= contact:
                break
        m.positions = trial
        atoms = atoms + m
    return atoms


SYSTEMS = [
    ("water", ["H2O"]),
    ("methanol", ["CH3OH"]),
    ("ethanol", ["CH3CH2OH"]),
    ("formic_acid", ["HCOOH"]),
    ("acetic_acid", ["CH3COOH"]),
    ("dimethyl_ether", ["CH3OCH3"]),
    ("ethylene_glycol", ["HOCH2CH2OH"]),
    ("water_dimer", ["H2O"] * 2),
    ("water_trimer", ["H2O"] * 3),
    ("water_hexamer", ["H2O"] * 6),
    ("methanol_water", ["CH3OH", "H2O"]),
    ("methanol_dimer", ["CH3OH"] * 2),
    ("formic_acid_dimer", ["HCOOH"] * 2),
    ("acetic_acid_water", ["CH3COOH", "H2O"]),
    ("ethanol_water", ["CH3CH2OH", "H2O"]),
    ("ethylene_glycol_water", ["HOCH2CH2OH", "H2O"]),
    ("dimethyl_ether_water", ["CH3OCH3", "H2O"]),
    # clusters in which a carbon has two other carbons within 6 A (C-C-C triplets exist)
    ("methanol_trimer", ["CH3OH"] * 3),
    ("ethanol_dimer", ["CH3CH2OH"] * 2),
    ("acetic_acid_dimer", ["CH3COOH"] * 2),
]


def min_distance(pos):
    if len(pos) < 2:
        return np.inf
    d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    return d[np.triu_indices(len(pos), 1)].min()


def single_point(atoms):
    """Fresh calculation; returns (E, F) or None if it fails or is not finite."""
    a = atoms.copy()
    a.calc = calc(cache=False)
    try:
        e = a.get_potential_energy()
        f = a.get_forces()
    except Exception as exc:  # SCF failure
        print(f"  single point failed: {exc}", file=sys.stderr)
        return None
    if not (np.isfinite(e) and np.all(np.isfinite(f))):
        return None
    return float(e), f.copy()


def relax(atoms):
    a = atoms.copy()
    a.calc = calc()
    opt = BFGS(a, logfile=None)
    converged = opt.run(fmax=0.01, steps=500)
    return a, bool(converged), opt.get_number_of_steps()


def md_snapshots(a0, temp, rng, n_snap):
    a = a0.copy()
    a.calc = calc()
    thermalize_momenta(a, temperature_K=temp, rng=rng)
    Stationary(a)
    ZeroRotation(a)
    a.set_constraint(FixCom())
    dyn = Langevin(
        a,
        DT_FS * units.fs,
        temperature_K=temp,
        friction=FRICTION_PER_FS / units.fs,
        fixcm=False,
        rng=rng,
    )
    dyn.run(EQUIL_STEPS)
    snaps = []
    # extra draws beyond n_snap are used only to replace rejected snapshots
    for _ in range(n_snap + 4):
        dyn.run(SNAP_EVERY)
        snaps.append(a.positions.copy())
    return snaps


def write_structure(f, atoms, e, forces, comment):
    f.write("begin\n")
    f.write(f"comment {comment}\n")
    for s, p, fr in zip(atoms.get_chemical_symbols(), atoms.positions, forces):
        f.write(
            f"atom {p[0]:.10f} {p[1]:.10f} {p[2]:.10f} {s} 0.0 0.0 "
            f"{fr[0]:.10f} {fr[1]:.10f} {fr[2]:.10f}\n"
        )
    f.write(f"energy {e:.10f}\n")
    f.write("charge 0.0\n")
    f.write("end\n")


def free_atom_energies():
    out = {}
    for el, mult in (("H", 2), ("C", 3), ("O", 3)):
        a = Atoms(el, positions=[[0, 0, 0]])
        a.calc = TBLite(cache_api=False, multiplicity=mult, **CALC_KW)
        out[el] = {"energy_eV": float(a.get_potential_energy()), "multiplicity": mult}
    return out


def statistics(structs, atom_e):
    els = ["H", "C", "O"]
    allf = np.concatenate([s["F"].ravel() for s in structs])
    natoms = np.array([len(s["atoms"]) for s in structs])
    e = np.array([s["E"] for s in structs])
    counts = np.array([[s["atoms"].get_chemical_symbols().count(x) for x in els] for s in structs])
    eref = counts @ np.array([atom_e[x]["energy_eV"] for x in els])
    coef, *_ = np.linalg.lstsq(counts.astype(float), e, rcond=None)
    resid_fit = (e - counts @ coef) / natoms
    pair_min = {}
    for s in structs:
        sym = np.array(s["atoms"].get_chemical_symbols())
        pos = s["atoms"].positions
        d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
        iu = np.triu_indices(len(pos), 1)
        for i, j, dij in zip(*iu, d[iu]):
            k = "-".join(sorted([sym[i], sym[j]], key=els.index))
            pair_min[k] = min(pair_min.get(k, np.inf), float(dij))
    per_el_f = {}
    for x in els:
        fx = np.concatenate(
            [s["F"][np.array(s["atoms"].get_chemical_symbols()) == x].ravel() for s in structs]
        )
        per_el_f[x] = {"rms": float(np.sqrt(np.mean(fx**2))), "max_abs": float(np.abs(fx).max())}
    kinds = {}
    for s in structs:
        kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
    per_kind_f = {}
    for kind in sorted(kinds):
        fk = np.concatenate([s["F"].ravel() for s in structs if s["kind"] == kind])
        per_kind_f[kind] = {
            "rms": float(np.sqrt(np.mean(fk**2))),
            "max_abs": float(np.abs(fk).max()),
        }
    return {
        "n_structures": len(structs),
        "n_atoms": int(natoms.sum()),
        "atoms_per_element": {x: int(counts[:, i].sum()) for i, x in enumerate(els)},
        "atoms_per_structure": {
            "min": int(natoms.min()),
            "max": int(natoms.max()),
            "mean": float(natoms.mean()),
        },
        "structures_per_kind": kinds,
        "force_component_rms_eV_A": float(np.sqrt(np.mean(allf**2))),
        "force_component_max_abs_eV_A": float(np.abs(allf).max()),
        "force_by_element_eV_A": per_el_f,
        "force_by_kind_eV_A": per_kind_f,
        "energy_per_atom_raw_eV": {
            "mean": float((e / natoms).mean()),
            "sigma": float((e / natoms).std()),
        },
        "energy_per_atom_minus_free_atoms_eV": {
            "mean": float(((e - eref) / natoms).mean()),
            "sigma": float(((e - eref) / natoms).std()),
        },
        "energy_per_atom_residual_after_linear_composition_fit_meV": {
            "sigma": float(resid_fit.std() * 1000),
            "fitted_element_energies_eV": dict(zip(els, map(float, coef))),
        },
        "shortest_distance_per_pair_A": pair_min,
    }


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "data.data.gz"))
    ap.add_argument("--seed", type=int, default=20240607)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    t0 = time.time()

    n_sys = len(SYSTEMS)
    base = N_TOTAL // n_sys
    extra = N_TOTAL - base * n_sys
    n_md = len(TEMPS) * SNAPS_PER_T

    structs, relax_log = [], {}
    for isys, (name, parts) in enumerate(SYSTEMS):
        a0 = build_cluster(parts, rng) if len(parts) > 1 else monomer(parts[0])
        a0, conv, nsteps = relax(a0)
        relax_log[name] = {
            "converged": conv,
            "steps": nsteps,
            "n_atoms": len(a0),
            "formula": a0.get_chemical_formula(),
        }
        n_rattle = base - n_md + (1 if isys < extra else 0)
        for temp in TEMPS:
            snaps = md_snapshots(a0, temp, rng, SNAPS_PER_T)
            kept = 0
            for k, pos in enumerate(snaps):
                if kept == SNAPS_PER_T:
                    break
                a = a0.copy()
                a.positions = pos
                if min_distance(pos) < MIN_DIST:
                    continue
                sp = single_point(a)
                if sp is None:
                    continue
                structs.append(
                    {
                        "atoms": a,
                        "E": sp[0],
                        "F": sp[1],
                        "kind": "md",
                        "comment": f"system={name} kind=md T={temp:.0f}K snap={k} method={METHOD}",
                    }
                )
                kept += 1
            if kept < SNAPS_PER_T:
                sys.exit(f"too few valid MD snapshots for {name} at {temp} K")
        kept, k = 0, 0
        while kept < n_rattle:
            sigma = RATTLE_SIGMAS[k % len(RATTLE_SIGMAS)]
            a = a0.copy()
            a.positions = a0.positions + rng.normal(scale=sigma, size=a0.positions.shape)
            k += 1
            if k > 10 * n_rattle:
                sys.exit(f"too many rejected rattles for {name}")
            if min_distance(a.positions) < MIN_DIST:
                continue
            sp = single_point(a)
            if sp is None:
                continue
            structs.append(
                {
                    "atoms": a,
                    "E": sp[0],
                    "F": sp[1],
                    "kind": "rattle",
                    "comment": f"system={name} kind=rattle sigma={sigma:.2f}A "
                    f"draw={k - 1} method={METHOD}",
                }
            )
            kept += 1
        print(
            f"{name:24s} {a0.get_chemical_formula():10s} atoms {len(a0):3d} relax "
            f"{'ok' if conv else 'NOT converged'} ({nsteps} steps); total structures "
            f"{len(structs)}; {time.time() - t0:.0f} s",
            flush=True,
        )

    # byte-reproducible gzip: no file name and mtime 0 in the gzip header
    with (
        open(args.out, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
        io.TextIOWrapper(gz, encoding="ascii", newline="\n") as f,
    ):
        for s in structs:
            write_structure(f, s["atoms"], s["E"], s["F"], s["comment"])
    atom_e = free_atom_energies()
    st = statistics(structs, atom_e)
    st["relaxation"] = relax_log
    st["seed"] = args.seed
    st["generation_wall_s"] = time.time() - t0
    import importlib.metadata as md

    import ase

    st["versions"] = {
        "tblite": md.version("tblite"),
        "ase": ase.__version__,
        "numpy": np.__version__,
        "scipy": md.version("scipy"),
        "python": sys.version.split()[0],
    }
    st["calculator"] = CALC_KW
    with open(
        os.path.join(os.path.dirname(os.path.abspath(args.out)), "atom_energies.json"), "w"
    ) as f:
        json.dump(atom_e, f, indent=1)
    with open(os.path.join(os.path.dirname(os.path.abspath(args.out)), "stats.json"), "w") as f:
        json.dump(st, f, indent=1)
    print(json.dumps({k: v for k, v in st.items() if k != "relaxation"}, indent=1))


if __name__ == "__main__":
    main()
