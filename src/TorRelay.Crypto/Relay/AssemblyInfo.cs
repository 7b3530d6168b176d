using System.Runtime.CompilerServices;

// Lets the tests force the portable AES path on machines with AES-NI.
[assembly: InternalsVisibleTo("TorRelay.Crypto.Tests")]
