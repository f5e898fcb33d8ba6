using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/SharedList.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(SharedList.Benchmarks.FramingBenchmarks).Assembly).Run(args);
