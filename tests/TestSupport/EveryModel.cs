using SocketServer;
using Xunit;

namespace TestSupport;

/// <summary>
/// The server models a behaviour is checked on, as theory data, written once for every test project:
/// <c>[Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]</c> on a method that takes
/// the <see cref="ServerModel"/> and builds its server through <see cref="ServerModels"/>.
/// </summary>
public static class EveryModel
{
    /// <summary>Every TCP model that runs on this machine (<see cref="ServerModels.IsSupportedHere"/>).</summary>
    public static TheoryData<ServerModel> Stream => new(StreamModels());

    /// <summary>The TCP models that serve several connections at once: all but <see cref="ServerModel.Sequential"/>.</summary>
    public static TheoryData<ServerModel> Concurrent => new(StreamModels().Where(IsConcurrent));

    /// <summary>The TCP models that serve TLS (<see cref="ServerModels.SupportsTls"/>).</summary>
    public static TheoryData<ServerModel> Tls => new(StreamModels().Where(m => m.SupportsTls()));

    /// <summary>The TLS models that serve several connections at once.</summary>
    public static TheoryData<ServerModel> ConcurrentTls => new(StreamModels().Where(m => m.SupportsTls() && IsConcurrent(m)));

    /// <summary>The TCP models that run <c>BaseRequestHandler</c>s (<see cref="ServerModels.SupportsHandlers"/>).</summary>
    public static TheoryData<ServerModel> Handlers => new(StreamModels().Where(m => m.SupportsHandlers()));

    /// <summary>The models that serve UDP (<see cref="ServerModels.SupportsDatagrams"/>).</summary>
    public static TheoryData<ServerModel> Datagram => new(ServerModels.All.Where(m => m.SupportsDatagrams() && m.IsSupportedHere()));

    /// <summary>Whether <paramref name="model"/> serves several connections at once (sequential serves one, the rest wait in the backlog).</summary>
    public static bool IsConcurrent(ServerModel model) => model != ServerModel.Sequential;

    private static IEnumerable<ServerModel> StreamModels() => ServerModels.All.Where(m => m.IsSupportedHere());
}
