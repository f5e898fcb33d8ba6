using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

public sealed class SelectModelTests : ConcurrentModelTests
{
    protected override Model Model => Model.Select;
}
