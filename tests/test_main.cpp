// Test entry point. libsystemc provides main() and calls sc_main(); linking gtest_main as well
// would let libsystemc's main win and run no test, so the tests enter through sc_main.
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
