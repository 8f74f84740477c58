/*
 * Runs every Check suite in tests/unit. The Makefile generates suites.h
 * from the check_<module>.c file names; each exports <module>_suite().
 * To run one suite or case: CK_RUN_SUITE=session CK_RUN_CASE=crash.
 */
#include <check.h>
#include <stdlib.h>

#include "suites.h"

typedef Suite *(*suite_fn)(void);

int main(void)
{
    static const suite_fn all[] = { RM_ALL_SUITES NULL };
    SRunner *runner = srunner_create(NULL);

    for (size_t i = 0; all[i]; i++)
        srunner_add_suite(runner, all[i]());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
