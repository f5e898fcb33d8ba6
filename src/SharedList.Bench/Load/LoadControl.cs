namespace SharedList.Bench.Load;

/// <summary>The phase of a run, shared by the runner (which writes it) and the engine threads (which read it).</summary>
public sealed class LoadControl
{
    private volatile LoadPhase _phase;

    /// <summary>The current phase; a volatile read, cheap enough for every reply.</summary>
    public LoadPhase Phase
    {
        get => _phase;
        set => _phase = value;
    }
}
