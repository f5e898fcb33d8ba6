using SocketServer;

namespace SharedList.Tests.Abuse;

/// <summary>What each model needs in the abuse scenarios.</summary>
internal static class AbuseModels
{
    /// <summary>
    /// The pool's workers in the abuse tests. The 16 well-behaved clients hold a worker each for the whole
    /// test (a pool worker serves one connection until it closes), so the default of 16 would leave no worker
    /// for anyone else and every abuser would just wait in the queue, never served and never timed out.
    /// 32 leaves 16 workers for the abusers, so the pool is still the bounded, queueing model under test.
    /// </summary>
    public const string PoolWorkers = "32";

    /// <summary>The options every scenario adds for its model.</summary>
    public static string[] OptionsFor(ServerModel model) => model == ServerModel.Pool ? ["--workers", PoolWorkers] : [];

    /// <summary>Connections the model serves at once besides the well-behaved clients' (null: no bound).</summary>
    public static int? FreeSlots(ServerModel model) => model switch
    {
        ServerModel.Sequential => 1,
        ServerModel.Pool => int.Parse(PoolWorkers, System.Globalization.CultureInfo.InvariantCulture) - WellBehavedClients.DefaultCount,
        _ => null,
    };
}
