namespace SharedList.Metrics;

/// <summary>What <c>/status.json</c> answers: the samples of the last minutes, oldest first.</summary>
/// <param name="IntervalSeconds">Seconds between two samples.</param>
/// <param name="Samples">The samples kept, oldest first.</param>
public sealed record StatusReport(double IntervalSeconds, IReadOnlyList<StatusSample> Samples);
