namespace SharedList.Bench.Load;

/// <summary>Where a load run is: every engine thread reads it on each reply; the runner moves it forward.</summary>
public enum LoadPhase
{
    /// <summary>Connecting and warming up: replies are counted but their latency is not recorded.</summary>
    Warmup,

    /// <summary>The measured window: every reply's latency is recorded.</summary>
    Measure,

    /// <summary>No new batch is sent; connections wait for the replies in flight, then close.</summary>
    Done,
}
