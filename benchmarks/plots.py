"""PNG plots of a run: the ratios against their targets, each sweep, the scaling run, memory."""
import os


def write(rows, labels, folder, suffix=''):
    """Draw every plot the rows allow into ``folder``; returns the file names written (none
    without matplotlib)."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    written = []

    def save(fig, name):
        fig.tight_layout()
        fig.savefig(os.path.join(folder, name + suffix + '.png'), dpi=110)
        plt.close(fig)
        written.append(name + suffix + '.png')

    timed = [r for r in rows if r['ratio'] is not None]
    if timed:
        fig, ax = plt.subplots(figsize=(8, 0.3 * len(timed) + 1.5))
        names = [f"{r['workload']} {r['point']}" for r in timed]
        colours = ['tab:green' if r['met'] else 'tab:red' if r['met'] is False else 'tab:gray' for r in timed]
        ax.barh(names, [r['ratio'] for r in timed], color=colours)
        for i, r in enumerate(timed):
            if r['target'] is not None:
                ax.plot([r['target']] * 2, [i - 0.4, i + 0.4], color='black')
        ax.axvline(1.0, color='gray', linestyle=':')
        ax.set_xscale('log')
        ax.invert_yaxis()
        ax.set_xlabel(f'{labels[1]} time / {labels[0]} time (black bar: target; green: met, red: not met)')
        save(fig, 'ratios')

    for name in dict.fromkeys(r['workload'] for r in rows):
        points = [r for r in rows if r['workload'] == name]
        if len(points) < 2:
            continue
        unit = points[0]['unit']
        fig, ax = plt.subplots(figsize=(8, 4.5))
        scaling = unit == 'sample'
        x = [r['size'] for r in points] if scaling else range(len(points))
        for label in labels:
            ax.plot(x, [r['time'][label] for r in points], marker='o', label=label)
        ax.set_yscale('log')
        if scaling:
            ax.set_xscale('log', base=2)
            ax.set_xlabel('batch size')
        else:
            ax.set_xticks(list(x), [r['point'] for r in points], rotation=30, ha='right')
        ax.set_ylabel(f'seconds per {unit}')
        ax.set_title(name)
        ax.legend()
        ax.grid(True, which='both', alpha=0.3)
        save(fig, name)

    fig, ax = plt.subplots(figsize=(8, 0.3 * len(rows) + 1.5))
    names = [f"{r['workload']} {r['point']}" for r in rows]
    height = 0.8 / len(labels)
    for k, label in enumerate(labels):
        ax.barh([i + k * height for i in range(len(rows))], [max(r['memory'][label], 1) for r in rows],
                height=height, label=label)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(rows))], names)
    ax.set_xscale('log')
    ax.invert_yaxis()
    ax.set_xlabel('peak bytes allocated during one step (traced)')
    ax.legend()
    save(fig, 'memory')
    return written
