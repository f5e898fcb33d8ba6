namespace SocketServer.Tests.Models;

public sealed class SelectModelTests : ConcurrentModelTests
{
    protected override ServerModel Model => ServerModel.Select;
}
