using SharedList.Bench.Load;
using SharedList.Bench.Results;

namespace SharedList.Bench.Session;

/// <summary>What a session tells its user as it goes: notes, the point starting, progress, the point measured.</summary>
/// <remarks>Calls come from the session's task and, for <see cref="Progress"/>, from a timer: implementations must be thread-safe.</remarks>
public interface IBenchObserver
{
    /// <summary>Something worth telling (a target skipped, pinning unavailable, the load tool saturated).</summary>
    void Note(string message);

    /// <summary>A target's cold warm-up (<see cref="BenchPlan.ColdWarmup"/>) starts; <see cref="Progress"/> follows it as it does a point.</summary>
    void WarmingUp(string target, TimeSpan length);

    /// <summary>A point starts: the <paramref name="index"/>-th (0-based) of <paramref name="total"/>.</summary>
    void PointStarting(int index, int total, string target, int connections, int pipeline, int repeat);

    /// <summary>About every 100 ms: the phase and the replies of the current point so far.</summary>
    void Progress(LoadPhase phase, long completed);

    /// <summary>A point has been measured.</summary>
    void PointDone(BenchPoint point);
}
