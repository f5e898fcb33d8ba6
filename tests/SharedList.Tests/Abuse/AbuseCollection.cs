namespace SharedList.Tests.Abuse;

/// <summary>
/// The abuse tests run one at a time, after the rest of the suite: each one loads both cores of a small
/// machine on purpose, and the figures they print (time to close an abuser, peak memory) mean something only
/// when no other test competes for the CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AbuseCollection
{
    public const string Name = "Abuse";
}
