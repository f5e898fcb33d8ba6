namespace SharedList.Bench.Memory;

/// <summary>What a memory session tells its user as it goes: notes, the point starting, each step, the point measured.</summary>
/// <remarks>Implementations must be thread-safe.</remarks>
public interface IMemoryObserver
{
    /// <summary>Something worth telling (a target skipped, a reading that did not settle).</summary>
    void Note(string message);

    /// <summary>A target's measurement starts: the <paramref name="index"/>-th (0-based) of <paramref name="total"/>.</summary>
    void PointStarting(int index, int total, string target, int repeat);

    /// <summary>What the current measurement is doing (starting the server, opening connections, settling…).</summary>
    void Step(string description);

    /// <summary>A target has been measured.</summary>
    void PointDone(MemoryPoint point);
}
