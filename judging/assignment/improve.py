"""The cheap stages after the flow: raise the worst-off entry, join the judges' graph, count its parts.

Both passes move only pairs that are not pinned and keep every hard rule (eligibility, k per entry,
loads within [min, max], one judge per university).
"""

import heapq

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from judging.assignment.messages import Message, message
from judging.assignment.problem import Problem

CANDIDATES = 32  # judges tried per worst-off entry, by affinity
LINK_SOURCES = 64  # entries of the smallest component tried per link
LINK_TRIES = 8  # best swaps tried per link before giving up on a region


class _State:
    """The assignment with the counts the moves need, kept up to date."""

    def __init__(self, problem: Problem, assigned: np.ndarray) -> None:
        self.p = problem
        self.x = assigned
        self.load = assigned.sum(axis=0)
        self.university = problem.judge_university
        self.ucount = np.zeros((problem.n, max(problem.n_universities, 1)), dtype=np.int32)
        rows, cols = np.nonzero(assigned)
        np.add.at(self.ucount, (rows, self.university[cols]), 1)
        self.k = np.maximum(problem.k, 1).astype(np.float64)
        totals = np.bincount(rows, weights=problem.affinity[rows, cols], minlength=problem.n)
        self.mean = totals / self.k

    def exchange(self, e: int, old: int, new: int) -> None:
        """Entry e gives up judge `old` and takes judge `new`."""
        self.x[e, old] = False
        self.x[e, new] = True
        self.load[old] -= 1
        self.load[new] += 1
        self.ucount[e, self.university[old]] -= 1
        self.ucount[e, self.university[new]] += 1
        self.mean[e] += (self.p.affinity[e, new] - self.p.affinity[e, old]) / self.k[e]

    def fits(self, e: int | np.ndarray, old: int | np.ndarray, new: int | np.ndarray) -> np.ndarray:
        """Whether entry e may take `new` in place of `old` under the one-judge-per-university rule."""
        if not self.p.one_per_university:
            return np.ones(np.broadcast(e, old, new).shape, dtype=bool)
        u_new = self.university[new]
        return np.asarray(self.ucount[e, u_new] - (u_new == self.university[old]) == 0)


def raise_worst(problem: Problem, assigned: np.ndarray, budget: float, max_moves: int) -> tuple[int, float]:
    """Raise the lowest mean affinity of an entry by exchanges that cost at most `budget` in total.

    Moves: the worst entry swaps a judge for a better one with spare load (a gain), or trades a judge
    with another entry f. A move is taken only if the worst entry's mean rises and f stays above the
    worst entry's old mean, so the sorted vector of entry means rises lexicographically: the minimum
    never falls and no move is undone. It stops when the worst entry cannot be raised, the budget is
    spent, or after `max_moves`. Returns (moves, affinity spent). Mutates `assigned`.
    """
    state = _State(problem, assigned)
    judges, entries = np.nonzero(assigned.T)
    holders: list[list[int]] = [[] for _ in range(problem.m)]
    for j, e in zip(judges.tolist(), entries.tolist(), strict=True):
        holders[j].append(e)
    version = np.zeros(problem.n, dtype=np.int64)
    heap = [(float(state.mean[e]), 0, int(e)) for e in np.flatnonzero(problem.k > 0)]
    heapq.heapify(heap)
    moves, spent = 0, 0.0
    while heap and moves < max_moves:
        _, seen, e = heapq.heappop(heap)
        if seen != version[e]:
            continue
        move = _best_move(state, holders, e, budget - spent)
        if move is None:
            break
        loss, old, new, f = move
        state.exchange(e, old, new)
        holders[old].remove(e)
        holders[new].append(e)
        touched = [e]
        if f >= 0:
            state.exchange(f, new, old)
            holders[new].remove(f)
            holders[old].append(f)
            touched.append(f)
        spent += loss
        moves += 1
        for t in touched:
            version[t] += 1
            heapq.heappush(heap, (float(state.mean[t]), int(version[t]), t))
    return moves, spent


def _best_move(state: _State, holders: list[list[int]], e: int, budget: float) -> tuple[float, int, int, int] | None:
    """The move that raises entry e the most (then costs least): (loss, old judge, new judge, other entry or -1)."""
    p = state.p
    row = state.x[e]
    mine = np.flatnonzero(row)
    drop = mine[~p.pins[e, mine]]
    if drop.size == 0:
        return None
    gains_row = p.affinity[e]
    cand = np.flatnonzero(p.eligible[e] & ~row & (gains_row > gains_row[drop].min()))
    if cand.size == 0:
        return None
    if cand.size > CANDIDATES:
        cand = cand[np.argpartition(-gains_row[cand], CANDIDATES - 1)[:CANDIDATES]]
    gain = gains_row[cand][None, :] - gains_row[drop][:, None]
    allowed = (gain > 0) & state.fits(e, drop[:, None], cand[None, :])
    mean_e = state.mean[e]
    best: tuple[float, float, int, int, int] | None = None  # (score, -loss, old, new, other)

    # A judge with spare load replaces a weaker one that may give the entry up: affinity only rises.
    spare = allowed & (state.load[cand] < p.jmax[cand])[None, :] & (state.load[drop] > p.jmin[drop])[:, None]
    if spare.any():
        row_d, col_c = np.unravel_index(np.argmax(np.where(spare, gain, -np.inf)), gain.shape)
        best = (
            mean_e + gain[row_d, col_c] / state.k[e],
            float(gain[row_d, col_c]),
            int(drop[row_d]),
            int(cand[col_c]),
            -1,
        )

    # A trade with an entry f holding a better judge: f takes e's weaker judge.
    useful = np.flatnonzero(allowed.any(axis=0))
    others: list[int] = []
    slots: list[int] = []
    for c in useful.tolist():
        holding = [f for f in holders[cand[c]] if not p.pins[f, cand[c]]]
        others.extend(holding)
        slots.extend([c] * len(holding))
    if others:
        fs = np.array(others, dtype=np.int64)
        cs = np.array(slots, dtype=np.int64)
        js = cand[cs]
        for slot, old in enumerate(drop.tolist()):
            ok = allowed[slot, cs] & p.eligible[fs, old] & ~state.x[fs, old] & state.fits(fs, js, old)
            if not ok.any():
                continue
            delta_f = p.affinity[fs, old] - p.affinity[fs, js]
            new_f = state.mean[fs] + delta_f / state.k[fs]
            loss = -(gain[slot, cs] + delta_f)
            ok &= (new_f > mean_e) & (loss <= budget)
            if not ok.any():
                continue
            score = np.minimum(mean_e + gain[slot, cs] / state.k[e], new_f)
            idx = np.flatnonzero(ok)
            pick = idx[np.lexsort((loss[idx], -score[idx]))[0]]
            option = (float(score[pick]), float(-loss[pick]), old, int(js[pick]), int(fs[pick]))
            if best is None or option[:2] > best[:2]:
                best = option
    if best is None:
        return None
    return -best[1], best[2], best[3], best[4]


def _labels(
    problem: Problem, assigned: np.ndarray, code: int, pairs: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Component label of each judge in the judges' graph of one entry region (judges linked by a shared
    entry), with the region's assigned pairs (entries, judges) in entry order; `pairs` are all assigned
    pairs if the caller has them already."""
    rows, cols = np.nonzero(assigned) if pairs is None else pairs
    mine = problem.entry_region[rows] == code
    rows, cols = rows[mine], cols[mine]
    same = rows[1:] == rows[:-1]
    tails, heads = cols[:-1][same], cols[1:][same]
    graph = coo_matrix((np.ones(len(tails)), (tails, heads)), shape=(problem.m, problem.m))
    _, labels = connected_components(graph, directed=False)
    return labels, rows, cols


def components(problem: Problem, assigned: np.ndarray) -> dict[str, int]:
    """Per entry region, the number of connected components of the judges' graph among the judges
    reviewing that region's entries."""
    out: dict[str, int] = {}
    rows, cols = np.nonzero(assigned)
    for code in np.unique(problem.entry_region).tolist():
        labels, _, region_cols = _labels(problem, assigned, code, (rows, cols))
        out[problem.region_name(code)] = int(np.unique(labels[np.unique(region_cols)]).size)
    return out


def connect(problem: Problem, assigned: np.ndarray) -> tuple[int, float, list[Message]]:
    """Join each region's judges' graph by trading judges between entries of different components, the
    cheapest trade first; a trade is kept only if the number of components falls. Returns (trades,
    affinity spent, notes for regions left unconnected). Mutates `assigned`."""
    state = _State(problem, assigned)
    moves, spent = 0, 0.0
    notes: list[Message] = []
    for code in np.unique(problem.entry_region).tolist():
        while True:
            labels, rows, cols = _labels(problem, assigned, code)
            count = np.unique(labels[np.unique(cols)]).size
            if count <= 1:
                break
            joined = False
            for loss, e, old, f, new in _link_candidates(state, labels, rows, cols):
                state.exchange(e, old, new)
                state.exchange(f, new, old)
                after, _, region_cols = _labels(problem, assigned, code)
                if np.unique(after[np.unique(region_cols)]).size < count:
                    moves += 1
                    spent += loss
                    joined = True
                    break
                state.exchange(f, old, new)
                state.exchange(e, new, old)
            if not joined:
                region = problem.region_name(code)
                notes.append(message("graph_not_connected", level="note", region=region, components=int(count)))
                break
    return moves, spent, notes


def _link_candidates(
    state: _State, labels: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> list[tuple[float, int, int, int, int]]:
    """The cheapest trades (loss, e, e's judge, f, f's judge) between an entry e of the smallest
    component and an entry f of another, that leave e with a judge of f's component."""
    p = state.p
    judge_comp = labels[cols]
    sizes = {c: int(np.unique(cols[judge_comp == c]).size) for c in np.unique(judge_comp).tolist()}
    small = min(sizes, key=lambda c: (sizes[c], c))
    region_load = np.bincount(cols, minlength=p.m)
    inside = judge_comp == small
    free_pair = ~p.pins[rows, cols]
    sources = [e for e in dict.fromkeys(rows[inside].tolist()) if p.k[e] >= 2][:LINK_SOURCES]
    fs, news = rows[~inside & free_pair], cols[~inside & free_pair]
    options: list[tuple[float, int, int, int, int]] = []
    for e in sources:
        for old in np.flatnonzero(state.x[e] & ~p.pins[e]).tolist():
            ok = p.eligible[e, news] & ~state.x[e, news] & state.fits(e, old, news)
            ok &= p.eligible[fs, old] & ~state.x[fs, old] & state.fits(fs, news, old)
            ok &= (region_load[news] >= 2) | (region_load[old] >= 2)
            if not ok.any():
                continue
            loss = p.affinity[e, old] + p.affinity[fs, news] - p.affinity[e, news] - p.affinity[fs, old]
            for i in np.flatnonzero(ok)[np.argsort(loss[ok], kind="stable")[:LINK_TRIES]].tolist():
                options.append((float(loss[i]), e, old, int(fs[i]), int(news[i])))
    options.sort()
    return options[:LINK_TRIES]
