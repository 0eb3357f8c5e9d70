"""Regenerate the pinned PyTorch trajectories in ``tests/optim/data/`` (needs torch installed).

Run from the repository root:  ``.venv/bin/python tests/optim/make_reference.py``

For every optimizer case of ``optim_db.OPTIM_DB`` it runs ``N_STEPS`` steps of
``torch.optim.<Name>`` in float64 on the shared problem, feeding the gradients of
``optim_db.problem_grads``, and stores the parameters after every step. For every scheduler
case it stores the learning rates of two parameter groups over ``N_EPOCHS`` epochs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))

from optim_db import (  # noqa: E402
    DATA_DIR,
    N_EPOCHS,
    N_STEPS,
    OPTIM_DB,
    PLATEAU_METRICS,
    SCHEDULER_DB,
    Case,
    make_problem,
    problem_grads,
)

SCHEDULER_LRS = (0.1, 0.05)


def _jsonable(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}


def torch_trajectory(name: str, case: Case, problem: dict[str, np.ndarray]) -> dict[str, Any]:
    """Run torch.optim.<name> on the problem; return the parameters after each step."""
    w = torch.tensor(problem["W0"], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(problem["b0"], dtype=torch.float64, requires_grad=True)
    if case.second_group is None:
        groups: list[Any] = [w, b]
    else:
        groups = [{"params": [w]}, {"params": [b], **case.second_group}]
    opt = getattr(torch.optim, name)(groups, **case.kwargs)
    ws, bs = [], []
    for _ in range(N_STEPS):
        gw, gb = problem_grads(problem, w.detach().numpy(), b.detach().numpy())
        w.grad, b.grad = torch.from_numpy(gw), torch.from_numpy(gb)
        opt.step()
        ws.append(w.detach().numpy().copy().tolist())
        bs.append(b.detach().numpy().copy().tolist())
    return {
        "kwargs": _jsonable(case.kwargs),
        "second_group": None if case.second_group is None else _jsonable(case.second_group),
        "W": ws,
        "b": bs,
    }


def torch_lrs(case: Any) -> list[list[float]]:
    """Learning rates of two groups at epoch 0 (after construction) and after each step."""
    params = [torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)]
    opt = torch.optim.SGD(
        [{"params": [p], "lr": lr} for p, lr in zip(params, SCHEDULER_LRS, strict=True)]
    )
    built = (case.build_torch or case.build)(torch.optim.lr_scheduler, opt)
    scheds = built if isinstance(built, list) else [built]
    lrs = [[g["lr"] for g in opt.param_groups]]
    for epoch in range(N_EPOCHS):
        opt.step()
        for s in scheds:
            if isinstance(s, torch.optim.lr_scheduler.ReduceLROnPlateau):
                s.step(PLATEAU_METRICS[epoch])
            else:
                s.step()
        lrs.append([float(g["lr"]) for g in opt.param_groups])
    return lrs


def main() -> None:
    torch.set_default_dtype(torch.float64)  # float64 step counters and NAdam's mu_product
    DATA_DIR.mkdir(exist_ok=True)
    problem = make_problem()
    header = {"torch_version": torch.__version__, "n_steps": N_STEPS}
    (DATA_DIR / "problem.json").write_text(
        json.dumps({k: v.tolist() for k, v in problem.items()}, indent=1) + "\n"
    )
    for info in OPTIM_DB:
        cases = {case.id: torch_trajectory(info.name, case, problem) for case in info.cases}
        path = DATA_DIR / f"{info.name}.json"
        path.write_text(json.dumps({**header, "cases": cases}, indent=1) + "\n")
        print(f"wrote {path} ({len(cases)} cases)")
    lrs = {case.id: torch_lrs(case) for case in SCHEDULER_DB}
    path = DATA_DIR / "lr_scheduler.json"
    payload = {
        "torch_version": torch.__version__,
        "n_epochs": N_EPOCHS,
        "group_lrs": list(SCHEDULER_LRS),
        "metrics": list(PLATEAU_METRICS),
        "cases": lrs,
    }
    path.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {path} ({len(lrs)} cases)")


if __name__ == "__main__":
    main()
