namespace SharedList.Tests.Durability;

/// <summary>
/// Checks the list a restarted server serves against what the clients sent and were acknowledged across
/// every round so far: nothing observed before is lost or moved, every acknowledged item is present, each
/// client's items are in the order it sent them, nothing appears that was never sent, nothing appears twice.
/// </summary>
internal sealed class RecoveryCheck
{
    private readonly Dictionary<string, (int Client, int Sequence)> _sent = [];
    private readonly HashSet<string> _acked = [];
    private IReadOnlyList<string> _observed = [];

    /// <summary>Takes in one round's histories; call before <see cref="Check"/> for that round.</summary>
    public void Add(IEnumerable<ClientHistory> histories)
    {
        foreach (var history in histories)
        {
            foreach (var item in history.Sent)
            {
                _sent.Add(item, (history.Client, _sent.Count));
            }

            _acked.UnionWith(history.Acknowledged);
        }
    }

    /// <summary>Every acknowledged item so far.</summary>
    public int AckedCount => _acked.Count;

    /// <summary>
    /// Checks <paramref name="list"/>, the whole list after a restart. Returns the acknowledged items missing
    /// (the loss) and every other violation found; the list becomes the one the next check must extend.
    /// </summary>
    public (IReadOnlyList<string> Lost, IReadOnlyList<string> Violations) Check(IReadOnlyList<string> list)
    {
        var violations = new List<string>();
        for (var i = 0; i < _observed.Count; i++)
        {
            if (i >= list.Count || list[i] != _observed[i])
            {
                violations.Add($"the list before this round is not kept: at {i} expected '{_observed[i]}', got '{(i < list.Count ? list[i] : "end of list")}'");
                break;
            }
        }

        var seen = new HashSet<string>();
        var lastSequence = new Dictionary<int, (int Sequence, string Item)>();
        foreach (var item in list)
        {
            if (!seen.Add(item))
            {
                violations.Add($"'{item}' appears twice");
            }

            if (!_sent.TryGetValue(item, out var origin))
            {
                violations.Add($"'{item}' was never sent");
                continue;
            }

            if (lastSequence.TryGetValue(origin.Client, out var last) && last.Sequence > origin.Sequence)
            {
                violations.Add($"client {origin.Client}: '{item}' appears after '{last.Item}', which it sent later");
            }

            lastSequence[origin.Client] = (origin.Sequence, item);
        }

        var lost = _acked.Where(item => !seen.Contains(item)).Order(StringComparer.Ordinal).ToList();
        _observed = list;
        return (lost, violations);
    }
}
